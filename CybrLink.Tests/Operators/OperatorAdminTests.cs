using CybrLink.Core.Audit;
using CybrLink.Core.Data;
using CybrLink.Core.Operators;
using CybrLink.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Operators;

/// <summary>What Admins do to operators: each change is audited, ends the right sign-ins, and never leaves no Admin.</summary>
public class OperatorAdminTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private const string Ada = "ada@example.com";
    private const string Bob = "bob@example.com";
    private const string Vic = "vic@example.com";

    private readonly CybrLinkAppFactory _app;

    public OperatorAdminTests() => _app = new CybrLinkAppFactory(provider: DatabaseProvider);

    protected virtual TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Sqlite;

    private static AuditActor ByAda => AuditActor.Operator(Ada);

    public async Task InitializeAsync()
    {
        foreach (var (email, role) in new[] { (Ada, OperatorRoles.Admin), (Bob, OperatorRoles.Admin), (Vic, OperatorRoles.Viewer) })
        {
            var created = await WithOperatorsAsync(o => o.CreateAsync(email, Password, role, AuditActor.Cli));
            Assert.True(created.Succeeded, string.Join(" ", created.Errors));
        }
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("demote")]
    [InlineData("disable")]
    public async Task Two_admins_removing_each_other_at_once_leave_one_admin(string change)
    {
        Func<OperatorService, Task<OperatorResult>> Remove(string email, string actor) => o => change == "demote"
            ? o.SetRoleAsync(email, OperatorRoles.Viewer, AuditActor.Operator(actor))
            : o.DisableAsync(email, AuditActor.Operator(actor));

        // Both start together, each in its own scope (its own database connection), as two console tabs would.
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var adaRemovesBob = Task.Run(async () => { await start.Task; return await WithOperatorsAsync(Remove(Bob, Ada)); });
        var bobRemovesAda = Task.Run(async () => { await start.Task; return await WithOperatorsAsync(Remove(Ada, Bob)); });
        start.SetResult();
        var results = await Task.WhenAll(adaRemovesBob, bobRemovesAda);

        Assert.Single(results, r => r.Succeeded);
        Assert.Equal(OperatorService.LastAdminMessage, Assert.Single(results, r => !r.Succeeded).Errors.Single());
        var list = await _app.Services.GetRequiredService<OperatorDirectory>().ListAsync();
        Assert.Single(list, o => o.Role == OperatorRoles.Admin && !o.Disabled);
    }

    [Fact]
    public async Task The_last_enabled_admin_cannot_be_demoted_or_disabled_and_nothing_is_audited()
    {
        Assert.True((await WithOperatorsAsync(o => o.DisableAsync(Bob, ByAda))).Succeeded);

        var demoted = await WithOperatorsAsync(o => o.SetRoleAsync(Ada, OperatorRoles.Viewer, ByAda));
        var disabled = await WithOperatorsAsync(o => o.DisableAsync(Ada, ByAda));

        Assert.Equal([OperatorService.LastAdminMessage], demoted.Errors);
        Assert.Equal([OperatorService.LastAdminMessage], disabled.Errors);
        var ada = Assert.Single(await _app.Services.GetRequiredService<OperatorDirectory>().ListAsync(), o => o.Email == Ada);
        Assert.Equal(OperatorRoles.Admin, ada.Role);
        Assert.False(ada.Disabled);
        Assert.Empty(await AuditAsync(Ada, AuditActions.OperatorRoleChanged, AuditActions.OperatorDisabled));
    }

    [Fact]
    public async Task Changing_a_role_ends_the_operators_sign_ins_and_is_audited_with_the_acting_admin()
    {
        var stampBefore = await StampAsync(Vic);

        var result = await WithOperatorsAsync(o => o.SetRoleAsync(Vic, OperatorRoles.Admin, ByAda));

        Assert.True(result.Succeeded);
        Assert.NotEqual(stampBefore, await StampAsync(Vic));
        var audit = Assert.Single(await AuditAsync(Vic, AuditActions.OperatorRoleChanged));
        Assert.Equal(("operator", Ada), (audit.ActorType, audit.ActorId));
        Assert.Equal("role Viewer -> Admin", audit.Detail);
    }

    [Fact]
    public async Task A_disabled_operator_can_be_enabled_again_and_both_are_audited()
    {
        var stampBefore = await StampAsync(Vic);
        Assert.True((await WithOperatorsAsync(o => o.DisableAsync(Vic, ByAda))).Succeeded);
        Assert.NotEqual(stampBefore, await StampAsync(Vic));
        Assert.True(Assert.Single(await _app.Services.GetRequiredService<OperatorDirectory>().ListAsync(), o => o.Email == Vic).Disabled);

        Assert.True((await WithOperatorsAsync(o => o.EnableAsync(Vic, ByAda))).Succeeded);

        Assert.False(Assert.Single(await _app.Services.GetRequiredService<OperatorDirectory>().ListAsync(), o => o.Email == Vic).Disabled);
        Assert.Single(await AuditAsync(Vic, AuditActions.OperatorDisabled));
        Assert.Single(await AuditAsync(Vic, AuditActions.OperatorEnabled));
    }

    [Fact]
    public async Task A_reset_password_replaces_the_old_one_and_is_shown_once_to_the_admin()
    {
        var reset = await WithOperatorsAsync(o => o.ResetPasswordAsync(Vic, ByAda));

        Assert.True(reset.Result.Succeeded);
        Assert.Matches("^[a-z2-9]{5}(-[a-z2-9]{5}){3}$", reset.Password);
        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var vic = (await users.FindByEmailAsync(Vic))!;
        Assert.False(await users.CheckPasswordAsync(vic, Password));
        Assert.True(await users.CheckPasswordAsync(vic, reset.Password!));
        var audit = Assert.Single(await AuditAsync(Vic, AuditActions.OperatorPasswordReset));
        Assert.DoesNotContain(reset.Password!, _app.ReadDatabaseText());
        Assert.Equal(Ada, audit.ActorId);
    }

    [Fact]
    public async Task An_operator_changes_their_own_password_only_with_the_current_one_and_within_the_rules()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var operators = scope.ServiceProvider.GetRequiredService<OperatorService>();
        var vic = (await users.FindByEmailAsync(Vic))!;

        var wrongCurrent = await operators.ChangeOwnPasswordAsync(vic, "not my password at all", "a brand new passphrase");
        var common = await operators.ChangeOwnPasswordAsync(vic, Password, "password1234");
        var changed = await operators.ChangeOwnPasswordAsync(vic, Password, "a brand new passphrase");

        Assert.Equal([OperatorService.WrongCurrentPassword], wrongCurrent.Errors);
        Assert.Contains("common", Assert.Single(common.Errors));
        Assert.True(changed.Succeeded);
        Assert.True(await users.CheckPasswordAsync((await users.FindByEmailAsync(Vic))!, "a brand new passphrase"));
        var audit = Assert.Single(await AuditAsync(Vic, AuditActions.OperatorPasswordChanged));
        Assert.Equal(Vic, audit.ActorId);
    }

    [Fact]
    public async Task The_list_shows_each_operator_with_role_status_creation_and_last_sign_in()
    {
        await _app.Services.GetRequiredService<OperatorDirectory>().RecordSignInAsync(Bob);

        var list = await _app.Services.GetRequiredService<OperatorDirectory>().ListAsync();

        Assert.Equal([Ada, Bob, Vic], list.Select(o => o.Email));
        Assert.Equal([OperatorRoles.Admin, OperatorRoles.Admin, OperatorRoles.Viewer], list.Select(o => o.Role));
        Assert.All(list, o => Assert.NotNull(o.CreatedAt));
        Assert.Null(list[0].LastSignInAt);
        Assert.NotNull(list[1].LastSignInAt);
    }

    private async Task<T> WithOperatorsAsync<T>(Func<OperatorService, Task<T>> action)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<OperatorService>());
    }

    private async Task<string?> StampAsync(string email)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        return await users.GetSecurityStampAsync((await users.FindByEmailAsync(email))!);
    }

    private async Task<List<AuditEvent>> AuditAsync(string email, params string[] actions)
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        return await db.AuditEvents.AsNoTracking()
            .Where(a => a.TargetType == "operator" && a.TargetId == email && actions.Contains(a.Action))
            .ToListAsync();
    }
}

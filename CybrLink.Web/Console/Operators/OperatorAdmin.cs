using CybrLink.Core.Audit;
using CybrLink.Core.Operators;

namespace CybrLink.Web.Console.Operators;

/// <summary>
/// The Operators page's way into <see cref="OperatorService"/>: a fresh scope per change, because a console tab's own
/// scope lives as long as the tab and Identity's stores must not hold one database context (and its tracked users)
/// that long.
/// </summary>
public sealed class OperatorAdmin(IServiceScopeFactory scopes, OperatorDirectory directory)
{
    public Task<IReadOnlyList<OperatorSummary>> ListAsync(CancellationToken ct = default) => directory.ListAsync(ct);

    public Task<OperatorResult> CreateAsync(string email, string password, string role, AuditActor actor) =>
        RunAsync(s => s.CreateAsync(email, password, role, actor));

    public Task<OperatorResult> SetRoleAsync(string email, string role, AuditActor actor) =>
        RunAsync(s => s.SetRoleAsync(email, role, actor));

    public Task<OperatorResult> DisableAsync(string email, AuditActor actor) => RunAsync(s => s.DisableAsync(email, actor));

    public Task<OperatorResult> EnableAsync(string email, AuditActor actor) => RunAsync(s => s.EnableAsync(email, actor));

    public Task<PasswordReset> ResetPasswordAsync(string email, AuditActor actor) => RunAsync(s => s.ResetPasswordAsync(email, actor));

    private async Task<T> RunAsync<T>(Func<OperatorService, Task<T>> action)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<OperatorService>());
    }
}

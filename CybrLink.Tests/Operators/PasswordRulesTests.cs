using CybrLink.Core.Operators;
using CybrLink.Tests.Infrastructure;
using CybrLink.Web.Cli;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.Tests.Operators;

public sealed class PasswordRulesTests : IAsyncLifetime
{
    private readonly CybrLinkAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public void The_shipped_list_holds_at_least_ten_thousand_passwords()
    {
        Assert.True(CommonPasswords.Count >= 10_000, $"Only {CommonPasswords.Count} entries.");
        Assert.True(CommonPasswords.Contains("PASSWORD2024"));
        Assert.False(CommonPasswords.Contains("violet kettle under the bridge"));
    }

    [Theory]
    [InlineData("qwertyuiop12", "common or leaked")]
    [InlineData("Password2024", "common or leaked")]
    [InlineData("ILoveYou1234", "common or leaked")]
    [InlineData("1qaz2wsx3edc", "common or leaked")]
    [InlineData("aaaaaaaaaaaaaaaa", "common or leaked")]
    [InlineData("my name is jane.doe ok", "email address")]
    [InlineData("JANE.DOE@EXAMPLE.COM!!", "email address")]
    [InlineData("cybrlink is my secret", "CybrLink")]
    public async Task Weak_passwords_are_refused_in_plain_words(string password, string explanation)
    {
        var result = await CreateAsync("jane.doe@example.com", password);

        Assert.False(result.Succeeded);
        Assert.Contains(explanation, Assert.Single(result.Errors));
    }

    [Fact]
    public async Task A_long_uncommon_passphrase_is_accepted()
    {
        var result = await CreateAsync("jane.doe@example.com", "violet kettle under the bridge");

        Assert.True(result.Succeeded, string.Join(" ", result.Errors));
    }

    [Fact]
    public async Task Short_passwords_are_still_refused()
    {
        var result = await CreateAsync("jane.doe@example.com", "x7#kq!vz2m");

        Assert.False(result.Succeeded);
        Assert.Contains("at least 12", Assert.Single(result.Errors));
    }

    [Fact]
    public async Task The_setup_form_refuses_a_common_password_and_says_why()
    {
        using var installer = new OperatorBrowser(_app);
        using (var page = await installer.GetAsync("/setup"))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        }

        var code = System.Text.RegularExpressions.Regex.Match(string.Join("\n", _app.Logs.Lines), "[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}").Value;
        using var response = await installer.SetupAsync(code, "jane.doe@example.com", "Baseball2020");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("common or leaked", OperatorBrowser.ErrorText(await response.Content.ReadAsStringAsync()));
        Assert.Null(installer.OperatorCookie);
    }

    [Fact]
    public async Task The_cli_refuses_a_common_password()
    {
        var db = Path.Combine(Path.GetTempPath(), $"cybrlink-cli-{Guid.NewGuid():N}.db");
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var exit = await CliCommand.RunAsync(
                ["create-operator", "--email", "ops@example.com", "--password", "baseball2020", "--role", "admin"],
                stdout, stderr, new Dictionary<string, string?> { ["ConnectionStrings:CybrLink"] = $"Data Source={db}" });

            Assert.NotEqual(0, exit);
            Assert.Contains("common or leaked", stderr.ToString());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(db + suffix);
            }
        }
    }

    private async Task<OperatorResult> CreateAsync(string email, string password)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OperatorService>().CreateAsync(email, password, OperatorRoles.Viewer);
    }
}

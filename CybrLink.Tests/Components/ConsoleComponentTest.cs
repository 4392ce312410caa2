using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using CybrLink.Core.Audit;
using CybrLink.Core.Data;
using CybrLink.Core.Operators;
using CybrLink.Web.Console.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace CybrLink.Tests.Components;

/// <summary>
/// The console's components as they run in the app: MudBlazor services, an interactive server renderer, loose JS
/// interop (MudBlazor's calls are not the subject), a fake clock, and on request a signed-in operator and a real,
/// migrated SQLite database of their own.
/// </summary>
public abstract class ConsoleComponentTest : BunitContext, IAsyncLifetime
{
    private readonly BunitAuthorizationContext _auth;
    private string? _databasePath;

    protected ConsoleComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddLogging();
        // What every console page may use; the ones that touch the database need UseDatabase.
        Services.AddSingleton<AuditLog>();
        Services.AddScoped<OperatorGate>();
        Services.AddScoped<IntegrationDirectory>();
        // Anonymous until a test signs someone in (which it may do at any point before rendering).
        _auth = AddAuthorization();
    }

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 14, 9, 30, 0, TimeSpan.Zero));

    /// <summary>Gives the components a temp SQLite database, migrated before the test runs.</summary>
    protected void UseDatabase()
    {
        _databasePath = Path.Combine(Path.GetTempPath(), $"cybrlink-bunit-{Guid.NewGuid():N}.db");
        Services.AddDbContextFactory<CybrLinkDbContext>(o => o.UseSqlite($"Data Source={_databasePath}"));
    }

    protected Task<CybrLinkDbContext> OpenDatabaseAsync() =>
        Services.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();

    protected void SignInAsAdmin(string name = "admin@example.com") => SignInAs(name, OperatorRoles.Admin);

    protected void SignInAsViewer(string name = "viewer@example.com") => SignInAs(name, OperatorRoles.Viewer);

    private void SignInAs(string name, string role)
    {
        _auth.SetAuthorized(name);
        _auth.SetRoles(role);
        _auth.SetClaims(new Claim(ClaimTypes.Email, name));
    }

    /// <summary>Migrates the database (when used); override to seed, calling this first.</summary>
    /// <remarks>Runs after the test class's constructor, so its service registrations are all in.</remarks>
    public virtual async Task InitializeAsync()
    {
        // Interactive, as in the app: buttons are disabled until then.
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        if (_databasePath is not null)
        {
            await using var db = await OpenDatabaseAsync();
            await db.Database.MigrateAsync();
        }
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_databasePath is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(_databasePath + suffix);
            }
        }
    }
}

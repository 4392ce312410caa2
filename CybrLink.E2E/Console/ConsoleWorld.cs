using CybrLink.Core.Catalog;
using CybrLink.Core.Data;
using CybrLink.Core.Operators;
using CybrLink.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CybrLink.E2E.Console;

/// <summary>A console with something on every page: an Admin and a Viewer, a server key, two catalog integrations.</summary>
public static class ConsoleWorld
{
    public const string AdminEmail = "ada.admin@example.com";
    public const string ViewerEmail = "val.viewer@example.com";
    public const string Password = "a long operator passphrase";
    public const string KeyName = "production backend";

    public static async Task SeedAsync(CybrLinkAppFactory app)
    {
        _ = app.BaseUrl;
        await using var scope = app.Services.CreateAsyncScope();
        var operators = scope.ServiceProvider.GetRequiredService<OperatorService>();
        Assert.True((await operators.CreateAsync(AdminEmail, Password, OperatorRoles.Admin)).Succeeded);
        Assert.True((await operators.CreateAsync(ViewerEmail, Password, OperatorRoles.Viewer)).Succeeded);
        await app.CreateServerKeyAsync(KeyName);
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<CybrLinkDbContext>>().CreateDbContextAsync();
        db.Integrations.AddRange(
            new CatalogIntegration { Key = "sandbox-mail", Provider = "sandbox-mail", DisplayName = "Sandbox Mail", AuthMode = "OAUTH2" },
            new CatalogIntegration { Key = "sandbox-crm", Provider = "sandbox-crm", DisplayName = "Sandbox CRM", AuthMode = "API_KEY", Enabled = false });
        await db.SaveChangesAsync();
    }
}

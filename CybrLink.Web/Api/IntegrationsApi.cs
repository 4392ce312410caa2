using CybrLink.Core.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CybrLink.Web.Api;

public sealed record IntegrationFieldResponse(string Name, string Title, string? Description, string? Example, string? Pattern, bool Optional);

public sealed record IntegrationResponse(
    string Key, string Provider, string DisplayName, string? LogoUrl, string AuthMode, string? Category, string? Description,
    string? RequestedScopes, IReadOnlyList<IntegrationFieldResponse> ConnectionConfig)
{
    public static IntegrationResponse From(CatalogEntry e) => new(
        e.Key, e.Provider, e.DisplayName, e.LogoUrl, e.AuthMode, e.Category, e.Description, e.RequestedScopes,
        [.. e.Fields.ConnectionConfig.Select(f => new IntegrationFieldResponse(f.Name, f.Title, f.Description, f.Example, f.Pattern, f.Optional))]);
}

public sealed record CatalogRefreshResponse(int Integrations);

public static class IntegrationsApi
{
    public static RouteGroupBuilder MapIntegrationsApi(this RouteGroupBuilder v1)
    {
        var integrations = v1.MapGroup("/integrations").WithTags("Integrations");
        integrations.MapGet("/", ListAsync).WithName("ListIntegrations").WithSummary("The enabled integrations end users can connect.");
        integrations.MapPost("/refresh", RefreshAsync).WithName("RefreshCatalog")
            .WithSummary("Re-read integrations and providers from Nango now.");
        return v1;
    }

    public static async Task<Ok<IReadOnlyList<IntegrationResponse>>> ListAsync(CatalogService catalog, CancellationToken ct)
    {
        if (!await catalog.HasSyncedAsync(ct))
        {
            // First call before the scheduled refresh ran: read Nango now rather than answer an empty catalog.
            await catalog.RefreshAsync(ct);
        }

        return TypedResults.Ok<IReadOnlyList<IntegrationResponse>>([.. (await catalog.ListAsync(enabledOnly: true, ct)).Select(IntegrationResponse.From)]);
    }

    public static async Task<Ok<CatalogRefreshResponse>> RefreshAsync(CatalogService catalog, CancellationToken ct) =>
        TypedResults.Ok(new CatalogRefreshResponse(await catalog.RefreshAsync(ct)));
}

using System.Text.RegularExpressions;
using CybrLink.Sandbox.Auth;
using CybrLink.Sandbox.Infrastructure;
using CybrLink.Sandbox.Store;

namespace CybrLink.Sandbox.Api;

/// <summary><c>GET /providers</c> and <c>GET /providers/{provider}</c>: secret key or connect session token.</summary>
internal static partial class ProvidersEndpoints
{
    public static void MapProviders(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/providers").RequireSecretKeyOrSession();
        group.MapGet("", ListProviders);
        group.MapGet("/{name}", GetProvider);
    }

    private static IResult ListProviders(HttpRequest request, SandboxStore store)
    {
        if (Strict.OnlyQuery(request, "search") is { } invalid)
            return invalid;
        var providers = store.Providers.AsEnumerable();
        if (request.Query.ContainsKey("search"))
        {
            // Nango checks the value against a character list first, then matches it as plain text (seen live, 0.71.4).
            var search = request.Query["search"].ToString();
            if (!SearchRegex().IsMatch(search))
                return NangoResults.InvalidQuery([new ZodIssue("invalid_string", "Invalid", ["search"])]);
            providers = providers.Where(p => p.Name.Contains(search, StringComparison.OrdinalIgnoreCase));
        }
        return NangoResults.Json(new { data = providers.Select(p => ApiProvider.From(p, request)) });
    }

    private static IResult GetProvider(string name, HttpRequest request, SandboxStore store)
    {
        if (Strict.OnlyQuery(request) is { } invalid)
            return invalid;
        if (!ProviderNameRegex().IsMatch(name))
            return NangoResults.Error(400, "invalid_uri_params", errors: [new ZodIssue("invalid_string", "Invalid", ["provider"])]);
        var provider = store.FindProvider(name);
        return provider is null
            ? NangoResults.Error(404, "not_found", $"Unknown provider {name}")
            : NangoResults.Json(new { data = ApiProvider.From(provider, request) });
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]+$")]
    private static partial Regex ProviderNameRegex();

    [GeneratedRegex("^[a-zA-Z0-9~:.@ _-]+$")]
    private static partial Regex SearchRegex();
}

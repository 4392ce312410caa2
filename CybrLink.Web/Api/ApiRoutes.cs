using CybrLink.Web.Agents;
using CybrLink.Web.Infrastructure;

namespace CybrLink.Web.Api;

public static class ApiRoutes
{
    public static IEndpointRouteBuilder MapCybrLinkApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/api/v1").RequireAuthorization(WebSetup.ServerKeyPolicy).DisableAntiforgery()
            .RequireRateLimiting(RateLimiting.ApiPolicy);
        v1.MapMeApi();
        v1.MapIntegrationsApi();
        v1.MapConnectSessionsApi();
        v1.MapConnectionsApi();
        v1.MapEndUsersApi();
        v1.MapAgentCallsApi();
        v1.MapPoliciesApi();
        v1.MapAgentsApi();

        // Note: the agent API is its own group, not part of v1 above: an agent credential must never satisfy the server
        // key policy, nor a server key the agent policy (each scheme knows only its own prefix).
        app.MapAgentApi();
        app.MapNangoWebhooksApi();

        // Unknown API routes answer a ProblemDetails 404, not the console's HTML page.
        app.MapFallback("/api/{**rest}", () => ApiProblems.Result(404, "not_found", "No such API route."))
            .ExcludeFromDescription().WithMetadata(new LenientRequestMetadata());
        return app;
    }
}

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
        app.MapNangoWebhooksApi();

        // Unknown API routes answer a ProblemDetails 404, not the console's HTML page.
        app.MapFallback("/api/{**rest}", () => ApiProblems.Result(404, "not_found", "No such API route."))
            .ExcludeFromDescription().WithMetadata(new LenientRequestMetadata());
        return app;
    }
}

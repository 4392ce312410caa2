using CybrLink.Core.ConnectSessions;
using CybrLink.Core.EndUsers;
using CybrLink.Web.Agents;
using CybrLink.Web.Connect;
using CybrLink.Web.Infrastructure;
using Microsoft.Extensions.Options;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.AspNetCore.Authentication;
using ModelContextProtocol.Authentication;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace CybrLink.Web.Mcp;

/// <summary>
/// <c>/mcp</c>: the Model Context Protocol over streamable HTTP for agents, with the agent credentials. Sessions are
/// stateful and in memory on one instance (several instances need sticky routing for <c>/mcp</c>).
/// </summary>
public static class McpSetup
{
    public const string Path = "/mcp";
    public const string MetadataPath = "/.well-known/oauth-protected-resource/mcp";
    private const string SessionItem = "cybrlink:mcp_session";

    public static IServiceCollection AddCybrLinkMcp(this IServiceCollection services)
    {
        services.AddSingleton<McpSessions>();
        services.AddSingleton<McpToolCatalog>();
        services.AddScoped<McpToolRunner>();
        services.AddScoped<McpConnectFirst>();
        services.AddScoped<McpHttpRequestTool>();
        services.AddScoped<McpConnectionsTool>();
        services.AddAuthentication().AddMcp(o =>
        {
            o.ResourceMetadataUri = new Uri(MetadataPath, UriKind.Relative);
            o.ResourceMetadata = new ProtectedResourceMetadata { BearerMethodsSupported = ["header"] };
            o.Events.OnResourceMetadataRequest = context =>
            {
                var connect = context.HttpContext.RequestServices.GetRequiredService<IOptions<ConnectOptions>>().Value;
                var baseUrl = string.IsNullOrWhiteSpace(connect.PublicUrl) ? ConnectLinks.RequestBase(context.HttpContext) : connect.PublicUrl.TrimEnd('/');
                // Note: no authorization servers until CybrLink issues OAuth tokens itself: agents use keys and tokens
                // made by an operator, sent as a bearer header (RFC 9728 fields only, nothing else is claimed).
                context.ResourceMetadata = new ProtectedResourceMetadata
                {
                    Resource = baseUrl + Path,
                    BearerMethodsSupported = ["header"],
                    AuthorizationServers = [],
                    ResourceName = "CybrLink",
                };
                return Task.CompletedTask;
            };
        });
        services.AddMcpServer(o =>
            {
                o.ServerInfo = new Implementation { Name = "CybrLink", Version = "1.0.0" };
                o.Capabilities = new ServerCapabilities { Tools = new ToolsCapability { ListChanged = true } };
            })
            .WithHttpTransport(o =>
            {
                // Note: stateful, because stateless sessions can neither send list_changed nor elicit a connect link.
                o.SessionMode = HttpServerSessionMode.Stateful;
                o.ConfigureSessionOptions = ConfigureSessionAsync;
#pragma warning disable MCPEXP002 // Experimental; the only way to reach live sessions from outside a request.
                o.RunSessionHandler = (http, server, ct) =>
                    http.RequestServices.GetRequiredService<McpSessions>().RunAsync((McpCallerSession)http.Items[SessionItem]!, server, ct);
#pragma warning restore MCPEXP002
            });
        return services;
    }

    public static IEndpointRouteBuilder MapCybrLinkMcp(this IEndpointRouteBuilder app)
    {
        app.MapMcp(Path).RequireAuthorization(AgentAuthentication.Policy).DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    /// <summary>After authorization: the end-user header checks of every <c>/mcp</c> request.</summary>
    public static IApplicationBuilder UseMcpEndUserCheck(this IApplicationBuilder app) =>
        app.UseWhen(c => c.Request.Path.StartsWithSegments(Path, StringComparison.OrdinalIgnoreCase),
            branch => branch.Use(CheckEndUserAsync));

    private static Task ConfigureSessionAsync(HttpContext http, McpServerOptions options, CancellationToken ct)
    {
        var caller = http.GetAgentCaller();
        var session = new McpCallerSession(caller, caller.EndUserId ?? NamedEndUser(http), false, ConnectLinks.RequestBase(http));
        http.Items[SessionItem] = session;
        options.Capabilities ??= new ServerCapabilities();
        options.Capabilities.Tools = new ToolsCapability { ListChanged = true };
        var catalog = http.RequestServices.GetRequiredService<McpToolCatalog>();
        options.Handlers.ListToolsHandler = async (request, token) =>
            new ListToolsResult { Tools = [.. (await catalog.BuildAsync(session, token)).Tools] };
        options.Handlers.CallToolHandler = (request, token) =>
        {
            var now = session with { CanElicitUrl = request.Server.ClientCapabilities?.Elicitation?.Url is not null };
            var runner = request.Services!.GetRequiredService<McpToolRunner>();
            return new ValueTask<CallToolResult>(runner.CallAsync(now, request.Server, request.Params!, token));
        };
        return Task.CompletedTask;
    }

    private static string? NamedEndUser(HttpContext http) =>
        http.Request.Headers[McpCallerSession.EndUserHeader].ToString() is { Length: > 0 } named ? named.Trim() : null;

    /// <summary>
    /// The end user named in <c>CybrLink-End-User</c> must fit the credential (a token's own end user) and the session
    /// (the one it was opened for): a session never switches end user.
    /// </summary>
    private static async Task CheckEndUserAsync(HttpContext http, RequestDelegate next)
    {
        var named = NamedEndUser(http);
        if (http.Features.Get<Core.Agents.AgentCaller>() is not { } caller)
        {
            await next(http);
            return;
        }

        if (named is not null && named.Length > EndUser.MaxIdLength)
        {
            await ApiProblems.WriteAsync(http, StatusCodes.Status400BadRequest, "invalid_end_user", "The end user is not valid.",
                $"{McpCallerSession.EndUserHeader} is longer than {EndUser.MaxIdLength} characters.");
            return;
        }

        if (named is not null && caller.EndUserId is not null && named != caller.EndUserId)
        {
            await ApiProblems.WriteAsync(http, StatusCodes.Status403Forbidden, "denied", "This agent token is bound to another end user.");
            return;
        }

        if (named is not null && http.Request.Headers["Mcp-Session-Id"].ToString() is { Length: > 0 } sessionId)
        {
            var (open, endUserId) = http.RequestServices.GetRequiredService<McpSessions>().EndUserOf(sessionId);
            if (open && endUserId != named)
            {
                await ApiProblems.WriteAsync(http, StatusCodes.Status403Forbidden, "end_user_mismatch",
                    "An MCP session cannot switch end user; open a new session for another end user.");
                return;
            }
        }

        await next(http);
    }
}

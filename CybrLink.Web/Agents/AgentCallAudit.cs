using CybrLink.Core.AgentAccess;
using CybrLink.Core.AgentCalls;
using CybrLink.Web.Infrastructure;

namespace CybrLink.Web.Agents;

/// <summary>
/// One audit row for every authenticated agent request, refused or answered: registered when the request arrives,
/// committed (group commit) in the response's OnStarting, so the row exists before the first byte reaches the agent.
/// Byte counts follow once the answer is complete.
/// </summary>
public sealed class AgentCallAudit(RequestDelegate next, AgentCallWriter writer, TimeProvider time)
{
    public const string RequestIdHeader = "CybrLink-Request-Id";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<Core.Agents.AgentCaller>() is not { } caller)
        {
            await next(context);
            return;
        }

        var draft = new AgentCallDraft(caller, "req_" + Guid.CreateVersion7().ToString("N"), time.GetUtcNow());
        context.TraceIdentifier = draft.RequestId;
        context.Features.Set(draft);
        var requestBody = new CountingStream(context.Request.Body);
        var responseBody = new CountingStream(context.Response.Body);
        context.Request.Body = requestBody;
        context.Response.Body = responseBody;

        // Note: a call whose audit row cannot be written is not answered: the connection is dropped before the first
        // byte, so no answered call is ever missing from the audit.
        context.Response.OnStarting(async () =>
        {
            context.Response.Headers[RequestIdHeader] = draft.RequestId;
            var row = draft.ToRow(context.Response.StatusCode, time.GetUtcNow(), requestBody.Count);
            try
            {
                await writer.RecordAsync(row, CancellationToken.None);
            }
            catch (AgentCallNotRecordedException)
            {
                context.Abort();
            }
        });
        context.Response.OnCompleted(() =>
        {
            writer.RecordBytesOut(draft.Id, responseBody.Count);
            return Task.CompletedTask;
        });

        try
        {
            await next(context);
        }
        catch (AgentAccessException e)
        {
            draft.Decision ??= e.Refusal == AgentRefusal.Denied ? AgentCallDraft.Denied : AgentCallDraft.Refused;
            draft.Reason ??= AgentProblems.For(e).Code;
            throw;
        }
        catch (Exception e) when (DomainProblems.For(e) is { } answer)
        {
            draft.Reason ??= answer.Code;
            throw;
        }
    }
}

public static class AgentCallAuditExtensions
{
    public static IApplicationBuilder UseAgentCallAudit(this IApplicationBuilder app) =>
        app.UseWhen(c => c.Request.Path.StartsWithSegments(AgentApi.Prefix, StringComparison.OrdinalIgnoreCase),
            branch => branch.UseMiddleware<AgentCallAudit>());

    /// <summary>The audit draft of the agent call being served.</summary>
    public static AgentCallDraft GetAgentCall(this HttpContext context) =>
        context.Features.Get<AgentCallDraft>() ?? throw new InvalidOperationException("Not an agent call.");
}

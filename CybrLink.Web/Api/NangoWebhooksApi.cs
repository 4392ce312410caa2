using System.Text.Json;
using CybrLink.Core.Connections;
using CybrLink.Core.NangoSync;
using CybrLink.Core.Nango;
using CybrLink.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Api;

public sealed record WebhookResponse(string Status);

/// <summary>Nango's <c>auth</c> webhooks: authenticated by HMAC over the raw bytes, not by a server key.</summary>
public static class NangoWebhooksApi
{
    private const int MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapNangoWebhooksApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/webhooks/nango", ReceiveAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithTags("Webhooks")
            .WithName("ReceiveNangoWebhook")
            .WithSummary("Nango's auth webhooks (signed with X-Nango-Hmac-Sha256).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    public static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> ReceiveAsync(
        HttpRequest request, NangoWebhookHandler handler, IOptions<NangoOptions> nango, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return ApiProblems.Result(413, "payload_too_large", "The webhook body is too large.");
        }

        var body = await ReadBodyAsync(request, ct);
        if (body is null)
        {
            return ApiProblems.Result(413, "payload_too_large", "The webhook body is too large.");
        }

        // Note: the signature covers the exact bytes Nango sent; nothing is parsed before it is verified.
        if (!NangoWebhookSignature.Verify(body, request.Headers[NangoWebhookSignature.HeaderName], nango.Value.WebhookSigningKey))
        {
            return ApiProblems.Result(401, "invalid_signature", "The webhook signature is missing or wrong.");
        }

        NangoWebhook? webhook;
        try
        {
            webhook = JsonSerializer.Deserialize<NangoWebhook>(body);
        }
        catch (JsonException)
        {
            webhook = null;
        }

        if (webhook is null)
        {
            return ApiProblems.Result(400, "malformed_webhook", "The webhook body is not a JSON object.");
        }

        var outcome = await handler.ApplyAsync(webhook, ct);
        return TypedResults.Ok(new WebhookResponse(outcome == WebhookOutcome.Processed ? "processed" : "ignored"));
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}

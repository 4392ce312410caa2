using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace CybrLink.Web.Infrastructure;

public static class OpenApiSetup
{
    private const string BearerScheme = "bearer";
    private const string ProblemSchema = nameof(ProblemDetails);

    /// <summary>
    /// CybrLink's own API only (the sandbox and the pages are not part of it), each operation with the bearer scheme
    /// where it needs a key and every problem+json answer it can give.
    /// </summary>
    public static IServiceCollection AddCybrLinkOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.OrdinalIgnoreCase) == true;
            o.AddDocumentTransformer(async (document, context, ct) =>
            {
                document.Info.Title = "CybrLink API";
                document.Info.Description = "Control layer for AI agents acting in users' apps. Server and agent keys authenticate as 'Authorization: Bearer cbl_...'. Every error is application/problem+json with a stable 'code'.";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "A CybrLink key: cbl_ followed by 43 characters.",
                };
                document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
                if (!document.Components.Schemas.ContainsKey(ProblemSchema))
                {
                    document.Components.Schemas[ProblemSchema] = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), cancellationToken: ct);
                }
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                var requiresKey = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
                if (requiresKey)
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [],
                    });
                    AddProblem(operation, context, 401, "The key is missing, malformed, unknown or revoked.");
                }

                if (operation.RequestBody is not null)
                {
                    AddProblem(operation, context, 400, "The body is not valid JSON (code malformed_json).");
                    AddProblem(operation, context, 413, "The body is larger than Api:MaxBodyBytes (code payload_too_large).");
                    AddProblem(operation, context, 415, "The body is not sent as application/json (code unsupported_media_type).");
                }

                if (context.Description.ParameterDescriptions.Any(p => p.Source == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Path))
                {
                    AddProblem(operation, context, 404, "Nothing with that id (or the id is not a UUID).");
                }

                // Unknown query parameters and body fields, wrong types and refused values all answer 422.
                AddProblem(operation, context, 422, "A field or query parameter cannot be accepted (code validation_failed; `errors` names each one).");
                if (metadata.OfType<EnableRateLimitingAttribute>().Any())
                {
                    AddProblem(operation, context, 429, "Too many requests; retry after the Retry-After header.");
                }

                return Task.CompletedTask;
            });
        });

    public static IEndpointRouteBuilder MapCybrLinkApiDocs(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/docs", o => o.WithTitle("CybrLink API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        return app;
    }

    private static void AddProblem(OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, string description)
    {
        operation.Responses ??= [];
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses.TryGetValue(key, out var existing) && existing.Content?.ContainsKey(ApiProblems.ContentType) == true)
        {
            return;
        }

        operation.Responses[key] = new OpenApiResponse
        {
            Description = existing?.Description is { Length: > 0 } known && !known.Equals(ReasonPhrase(status), StringComparison.Ordinal) ? known : description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [ApiProblems.ContentType] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, context.Document) },
            },
        };
    }

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}

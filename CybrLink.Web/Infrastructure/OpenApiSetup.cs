using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace CybrLink.Web.Infrastructure;

public static class OpenApiSetup
{
    private const string BearerScheme = "bearer";

    /// <summary>The OpenAPI document, declaring the bearer scheme on every operation that requires authorization.</summary>
    public static IServiceCollection AddCybrLinkOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "CybrLink API";
                document.Info.Description = "Control layer for AI agents acting in users' apps. Server and agent keys authenticate as 'Authorization: Bearer cbl_...'.";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "A CybrLink key: cbl_ followed by 43 characters.",
                };
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [],
                    });
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
}

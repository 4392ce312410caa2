using System.Net.Http.Json;
using System.Text.Json;
using CybrLink.Tests.Infrastructure;

namespace CybrLink.Tests.Api;

/// <summary>What a developer reads in <c>/openapi/v1.json</c>: CybrLink's operations only, with every answer they can give.</summary>
public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    // Development with the mounted sandbox: the configuration in which its operations used to leak into the document.
    private readonly CybrLinkAppFactory _app = new(new Dictionary<string, string?> { ["Sandbox:Enabled"] = "true" });
    private JsonElement _document;

    public async Task InitializeAsync()
    {
        using var http = _app.CreateClient();
        _document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private IEnumerable<(string Path, string Method, JsonElement Operation)> Operations() =>
        _document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (p.Name, o.Name, o.Value)));

    [Fact]
    public void Only_cybrlink_api_operations_are_documented_not_the_sandbox()
    {
        var paths = _document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();

        Assert.Contains("/api/v1/connect-sessions", paths);
        Assert.All(paths, p => Assert.StartsWith("/api/v1/", p));
        Assert.DoesNotContain(paths, p => p.Contains("sandbox") || p.StartsWith("/connect/") || p.StartsWith("/integrations"));
        Assert.All(Operations(), o => Assert.True(o.Operation.TryGetProperty("operationId", out _), $"{o.Method} {o.Path} has no operationId"));
    }

    [Fact]
    public void Every_operation_documents_its_problem_answers_as_problem_json()
    {
        foreach (var (path, method, operation) in Operations())
        {
            var responses = operation.GetProperty("responses");
            var expected = new List<string> { "422" };
            if (operation.TryGetProperty("security", out _))
            {
                expected.Add("401");
            }

            if (operation.TryGetProperty("security", out _) && !path.StartsWith("/api/v1/agent/", StringComparison.Ordinal))
            {
                // Every server-key operation is rate limited per key (the agent API is not under that limit).
                expected.Add("429");
            }

            if (path.Contains('{'))
            {
                expected.Add("404");
            }

            if (operation.TryGetProperty("requestBody", out _))
            {
                expected.AddRange(["400", "413", "415"]);
            }

            foreach (var status in expected)
            {
                Assert.True(responses.TryGetProperty(status, out var response), $"{method} {path} does not document {status}");
                Assert.True(response.GetProperty("content").TryGetProperty("application/problem+json", out _),
                    $"{method} {path} documents {status} without application/problem+json");
            }

            foreach (var response in responses.EnumerateObject().Where(r => r.Name.StartsWith('4')))
            {
                var content = response.Value.GetProperty("content");
                Assert.Equal(["application/problem+json"], content.EnumerateObject().Select(c => c.Name));
            }
        }

        var cancel = _document.GetProperty("paths").GetProperty("/api/v1/connect-sessions/{id}").GetProperty("delete").GetProperty("responses");
        Assert.True(cancel.TryGetProperty("410", out _), "cancelling a used session answers 410");
        var reconnect = _document.GetProperty("paths").GetProperty("/api/v1/connections/{id}/reconnect-session").GetProperty("post").GetProperty("responses");
        Assert.True(reconnect.TryGetProperty("409", out _), "reconnecting a revoked connection answers 409");
        var create = _document.GetProperty("paths").GetProperty("/api/v1/connect-sessions").GetProperty("post").GetProperty("responses");
        Assert.False(create.TryGetProperty("400", out var badRequest)
            && badRequest.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetRawText().Contains("HttpValidationProblemDetails"),
            "validation answers 422, not the framework's 400");
    }

    [Fact]
    public void Optional_request_fields_are_not_marked_required()
    {
        var schemas = _document.GetProperty("components").GetProperty("schemas");

        Assert.Equal(["end_user", "integration"], Required(schemas.GetProperty("CreateConnectSessionRequest")));
        Assert.Equal(["id"], Required(schemas.GetProperty("EndUserRequest")));
        Assert.Equal(["id"], Required(schemas.GetProperty("OrganizationRequest")));
        Assert.Empty(Required(schemas.GetProperty("ReconnectSessionRequest")));
        var expires = schemas.GetProperty("CreateConnectSessionRequest").GetProperty("properties").GetProperty("expires_in_minutes");
        Assert.DoesNotContain("string", expires.GetProperty("type").GetRawText()); // a number, not "30"
    }

    private static List<string> Required(JsonElement schema) =>
        schema.TryGetProperty("required", out var required) ? [.. required.EnumerateArray().Select(r => r.GetString()!).Order()] : [];
}

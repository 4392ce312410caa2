using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CybrLink.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CybrLink.Tests.Sandbox;

/// <summary>The sandbox mounted inside a host app, as CybrLink.Web does it: same code, URLs under the base path.</summary>
public sealed class MountedSandboxTests
{
    private static WebApplication Build(string environment, Action<WebApplication>? before = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Sandbox:Enabled"] = "true" });
        builder.Services.AddNangoSandbox(builder.Configuration);
        var app = builder.Build();
        before?.Invoke(app);
        return app;
    }

    [Fact]
    public void Production_refuses_the_sandbox()
    {
        var app = Build(Environments.Production);
        Assert.Throws<InvalidOperationException>(() => app.UseNangoSandbox());
    }

    [Fact]
    public async Task Mounted_sandbox_serves_nango_under_the_base_path_with_generated_keys()
    {
        await using var app = Build(Environments.Development);
        app.UseNangoSandbox();
        app.MapGet("/{**anything}", () => "host page");   // a host catch-all must not swallow sandbox routes
        await app.StartAsync();
        var origin = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        var options = app.Services.GetRequiredService<IOptions<SandboxOptions>>().Value;
        Assert.True(Guid.TryParse(options.SecretKey, out _));
        Assert.True(Guid.TryParse(options.WebhookSigningKey, out _));

        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.SecretKey);
        var health = await http.GetFromJsonAsync<JsonNode>($"{origin}/sandbox/nango/health");
        Assert.Equal("ok", health!["result"]!.GetValue<string>());

        var provider = await http.GetFromJsonAsync<JsonNode>($"{origin}/sandbox/nango/providers/sandbox-mail");
        Assert.Equal($"{origin}/sandbox/nango/images/template-logos/sandbox-mail.svg", provider!["data"]!["logo_url"]!.GetValue<string>());
        Assert.Equal($"{origin}/sandbox/nango/_upstream/sandbox-mail", provider["data"]!["proxy"]!["base_url"]!.GetValue<string>());

        // An API-key connection and a proxy call through the mount: the proxy reaches the echo over real HTTP.
        using var session = await http.PostAsJsonAsync($"{origin}/sandbox/nango/connect/sessions", new { end_user = new { id = "u" } });
        Assert.Equal(HttpStatusCode.Created, session.StatusCode);
        var token = (await session.Content.ReadFromJsonAsync<JsonNode>())!["data"]!["token"]!.GetValue<string>();
        using var anonymous = new HttpClient();
        using var connect = await anonymous.PostAsJsonAsync(
            $"{origin}/sandbox/nango/api-auth/api-key/sandbox-crm?connect_session_token={token}&params[subdomain]=acme", new { apiKey = "mounted-key" });
        Assert.Equal(HttpStatusCode.OK, connect.StatusCode);
        var connectionId = (await connect.Content.ReadFromJsonAsync<JsonNode>())!["connectionId"]!.GetValue<string>();

        using var proxy = new HttpRequestMessage(HttpMethod.Get, $"{origin}/sandbox/nango/proxy/items");
        proxy.Headers.Add("Connection-Id", connectionId);
        proxy.Headers.Add("Provider-Config-Key", "sandbox-crm");
        using var echoed = await http.SendAsync(proxy);
        var echo = await echoed.Content.ReadFromJsonAsync<JsonNode>();
        Assert.Equal(EchoProof.Of("mounted-key"), echo!["headers"]!["x-api-key"]!.GetValue<string>());
        Assert.Equal("/items", echo["path"]!.GetValue<string>());

        Assert.Equal("host page", await http.GetStringAsync($"{origin}/elsewhere"));
        await app.StopAsync();
    }
}

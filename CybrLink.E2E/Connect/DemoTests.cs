using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using CybrLink.E2E.Infrastructure;
using CybrLink.Tests.Infrastructure;

namespace CybrLink.E2E.Connect;

/// <summary>
/// What <c>dotnet run --project CybrLink.Web</c> gives a newcomer: no Nango settings, the sandbox mounted in the same
/// process, and the whole connect flow working in a browser.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DemoTests(BrowserFixture browser) : IAsyncLifetime
{
    private CybrLinkAppFactory _app = null!;

    public Task InitializeAsync()
    {
        // The sandbox's URL derives from the address CybrLink serves on, so the port is chosen up front.
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        _app = new CybrLinkAppFactory(new Dictionary<string, string?>
        {
            ["urls"] = $"http://127.0.0.1:{port}",
            ["Sandbox:Enabled"] = "true",
            ["Nango:BaseUrl"] = "",
            ["Nango:SecretKey"] = "",
            ["Nango:WebhookSigningKey"] = "",
        }, useRealServer: true, port: port);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task With_no_nango_settings_a_session_completes_through_the_mounted_sandbox()
    {
        using var api = _app.CreateClientWithKey(await _app.CreateServerKeyAsync("demo"));
        var ready = await api.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("nango").GetProperty("status").GetString());

        using var created = await api.PostAsJsonAsync("/api/v1/connect-sessions", new
        {
            end_user = new { id = "newcomer", display_name = "New Comer" },
            integration = "sandbox-mail",
        });
        var session = await created.Content.ReadFromJsonAsync<JsonElement>();
        await using var context = await browser.NewContextAsync();
        var connect = new ConnectUiPage(await context.NewPageAsync());

        await connect.OpenAsync(session.GetProperty("connect_url").GetString()!);
        await ConnectUiPage.DecideAsync(await connect.ConnectInPopupAsync(), "Approve");
        await connect.ExpectConnectedAsync();

        var status = await api.GetFromJsonAsync<JsonElement>($"/api/v1/connect-sessions/{session.GetProperty("id").GetString()}");
        Assert.Equal("completed", status.GetProperty("status").GetString());
    }
}

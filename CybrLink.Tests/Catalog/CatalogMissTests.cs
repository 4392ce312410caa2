using System.Net;
using System.Net.Http.Json;
using System.Text;
using CybrLink.Tests.Api;
using CybrLink.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;

namespace CybrLink.Tests.Catalog;

/// <summary>An unknown integration must not re-read the whole catalog from Nango on every request.</summary>
public class CatalogMissTests : IAsyncLifetime
{
    protected virtual TestDatabaseProvider DatabaseProvider => TestDatabaseProvider.Sqlite;

    private readonly CountingNango _nango = new();
    private CybrLinkAppFactory _app = null!;
    private HttpClient _api = null!;

    public async Task InitializeAsync()
    {
        _app = new CybrLinkAppFactory(configureServices: services => services.ConfigureAll<HttpClientFactoryOptions>(o =>
            o.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = _nango)), provider: DatabaseProvider);
        _api = _app.CreateClientWithKey(await _app.CreateServerKeyAsync("backend"));
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Repeated_requests_for_an_unknown_integration_read_nangos_catalog_once()
    {
        for (var i = 0; i < 5; i++)
        {
            using var response = await _api.PostAsJsonAsync("/api/v1/connect-sessions",
                new { end_user = new { id = "u-1" }, integration = "not-in-nango" });
            await ServerKeyAuthenticationTests.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "validation_failed");
        }

        Assert.Equal(1, _nango.IntegrationListReads);
    }

    private sealed class CountingNango : HttpMessageHandler
    {
        private int _integrationListReads;

        public int IntegrationListReads => Volatile.Read(ref _integrationListReads);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var path = request.RequestUri!.AbsolutePath;
            if (path == "/integrations")
            {
                Interlocked.Increment(ref _integrationListReads);
            }

            var json = path == "/health" ? """{"result":"ok"}""" : """{"data":[]}""";
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
        }
    }
}

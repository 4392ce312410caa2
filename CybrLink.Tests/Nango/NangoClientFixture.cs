using CybrLink.Core.Nango;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;

namespace CybrLink.Tests.Nango;

/// <summary>The production registration of the Nango client, with only the network swapped for <see cref="RecordedNango"/>.</summary>
public sealed class NangoClientFixture : IDisposable
{
    public const string SecretKey = "3f1c9a7e-52b4-4d6a-8e0f-9b2c1d4e5f60";

    private readonly ServiceProvider _services;

    /// <param name="baseUrl">Where Nango is.</param>
    /// <param name="secretKey">The key to send.</param>
    /// <param name="recorded">True: answers come from <see cref="Nango"/>; false: real HTTP to <paramref name="baseUrl"/>.</param>
    public NangoClientFixture(string baseUrl = "http://nango.test", string secretKey = SecretKey, bool recorded = true)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOptions<NangoOptions>().Configure(o =>
        {
            o.BaseUrl = baseUrl;
            o.SecretKey = secretKey;
            o.WebhookSigningKey = "signing";
            // Retries are real, their back-off is not worth waiting for in a test.
            o.RetryDelayMilliseconds = 0;
        });
        services.AddNangoClient();
        if (recorded)
        {
            services.ConfigureAll<HttpClientFactoryOptions>(o =>
                o.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = Nango));
        }

        _services = services.BuildServiceProvider();
    }

    public RecordedNango Nango { get; } = new();
    public INangoApi Api => _services.GetRequiredService<INangoApi>();
    public NangoProxyClient Proxy => _services.GetRequiredService<NangoProxyClient>();

    public void Dispose() => _services.Dispose();
}

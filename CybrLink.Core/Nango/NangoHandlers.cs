using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace CybrLink.Core.Nango;

/// <summary>Adds the secret key to every call that does not carry its own credential (the connect-session calls do).</summary>
/// <remarks>Note: this handler is the only place the secret key is read; it is never logged or put in an exception.</remarks>
internal sealed class NangoAuthHandler(IOptionsMonitor<NangoOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        request.Headers.Authorization ??= new AuthenticationHeaderValue("Bearer", options.CurrentValue.SecretKey);
        return base.SendAsync(request, ct);
    }
}

/// <summary>Turns transport failures (after resilience gave up) into one exception type callers can handle.</summary>
internal sealed class NangoUnavailableHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            return await base.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new NangoUnavailableException($"Nango could not be reached ({e.HttpRequestError}).", e);
        }
        catch (TimeoutRejectedException e)
        {
            throw new NangoUnavailableException("Nango did not answer in time.", e);
        }
        catch (BrokenCircuitException e)
        {
            throw new NangoUnavailableException("Nango is failing; calls are paused for a moment.", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new NangoUnavailableException("Nango did not answer in time.", e);
        }
    }
}

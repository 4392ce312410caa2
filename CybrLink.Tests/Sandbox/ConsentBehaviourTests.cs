using System.Net;

namespace CybrLink.Tests.Sandbox;

/// <summary>The consent page switches a Connect UI test needs: a real provider's COOP header and a held approval.</summary>
public sealed class ConsentBehaviourTests : SandboxHarness
{
    private async Task<HttpResponseMessage> OpenConsentAsync()
    {
        var token = await CreateNangoSessionAsync();
        using var redirect = await Http.GetAsync(Url($"/oauth/connect/sandbox-mail?connect_session_token={token}"));
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        return await Http.GetAsync(redirect.Headers.Location!);
    }

    [Fact]
    public async Task By_default_the_consent_page_has_no_opener_policy_and_waits_for_a_click()
    {
        using var consent = await OpenConsentAsync();
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        Assert.False(consent.Headers.Contains("Cross-Origin-Opener-Policy"));
        Assert.DoesNotContain("setTimeout", await consent.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_switch_sends_coop_same_origin_and_approves_by_itself_after_the_given_time()
    {
        await Sandbox.Control.SetConsentAsync(crossOriginOpenerPolicy: true, approveAfter: TimeSpan.FromSeconds(8));
        using var consent = await OpenConsentAsync();

        Assert.Equal("same-origin", consent.Headers.GetValues("Cross-Origin-Opener-Policy").Single());
        var html = await consent.Content.ReadAsStringAsync();
        Assert.Contains("button[value=approve]", html);
        Assert.Contains(",8000);", html);

        await Sandbox.Control.ResetAsync();
        using var after = await OpenConsentAsync();
        Assert.False(after.Headers.Contains("Cross-Origin-Opener-Policy"));
    }

    [Fact]
    public async Task A_negative_approval_delay_is_refused()
    {
        var (status, body) = await CallAsync(HttpMethod.Post, "/_sandbox/faults/consent", new { approve_after_ms = -1 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_body", ErrorCode(body));
    }
}

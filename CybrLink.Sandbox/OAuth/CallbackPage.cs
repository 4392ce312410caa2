using System.Text.Json;
using CybrLink.Sandbox.Infrastructure;

namespace CybrLink.Sandbox.OAuth;

/// <summary>
/// The page <c>/oauth/callback</c> returns: it posts the result to <c>window.opener</c> (target <c>*</c>, no
/// connection id, as Nango) and to the <c>nango-oauth-callback</c> BroadcastChannel, then closes itself on the
/// opener's ack, or after 500 ms on success. Error pages stay open until acked.
/// </summary>
internal static class CallbackPage
{
    public static IResult Success() => Render(
        new { type = "nango_oauth_callback_success" }, 200,
        "<h1>Successful connection</h1><p role=\"status\">You can close this window.</p>");

    public static IResult Failure(string message) => Render(
        new { type = "nango_oauth_callback_error", payload = new { message, errorType = "connection_validation_failed" } }, 400,
        $"<h1>Connection failed</h1><p role=\"alert\">{HtmlPage.Encode(message)}</p>");

    private static IResult Render(object message, int statusCode, string bodyHtml)
    {
        // The default encoder escapes <, > and &, so the JSON cannot end the script element.
        var json = JsonSerializer.Serialize(message, SandboxJson.Options);
        var closeOnLoad = statusCode == 200 ? "setTimeout(function () { window.close(); }, 500);" : "";
        var script = $$"""
            (function () {
              var message = {{json}};
              if (window.opener) { window.opener.postMessage(message, '*'); }
              if (typeof BroadcastChannel === 'function') { new BroadcastChannel('nango-oauth-callback').postMessage(message); }
              window.addEventListener('message', function (event) {
                if (event.data && event.data.type === 'nango_oauth_callback_ack') { window.close(); }
              });
              {{closeOnLoad}}
            })();
            """;
        return HtmlPage.Render(statusCode == 200 ? "Successful connection" : "Connection failed", bodyHtml, statusCode, script);
    }
}

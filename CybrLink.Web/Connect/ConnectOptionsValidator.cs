using CybrLink.Core.Configuration;
using CybrLink.Core.ConnectSessions;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Connect;

/// <summary>
/// Checks <see cref="ConnectOptions"/> at start. Written by hand: one rule depends on the environment, and the options
/// class lives in Core's connect-session feature.
/// </summary>
public sealed class ConnectOptionsValidator(IHostEnvironment environment) : IValidateOptions<ConnectOptions>
{
    public ValidateOptionsResult Validate(string? name, ConnectOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.PublicUrl))
        {
            // Note: without it, connect_url is built from the request's Host header, which a caller can forge to
            // make CybrLink hand out links to another site. Development may fall back; Production may not.
            if (environment.IsProduction())
            {
                failures.Add("Connect:PublicUrl is required in Production: set it to CybrLink's public URL (e.g. https://cybrlink.example.com); connect_url links are built from it.");
            }
        }
        else if (!HttpUrlAttribute.IsHttpUrl(options.PublicUrl))
        {
            failures.Add("Connect:PublicUrl must be an absolute http(s) URL, e.g. https://cybrlink.example.com.");
        }

        if (!options.FrameAncestors.All(ConnectHeaders.IsFrameAncestor))
        {
            failures.Add("Connect:FrameAncestors takes origins such as https://app.example.com (or 'self').");
        }

        if (!options.AllowedReturnOrigins.All(IsOrigin))
        {
            failures.Add("Connect:AllowedReturnOrigins takes origins such as https://app.example.com (scheme, host and port only).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsOrigin(string value) =>
        HttpUrlAttribute.IsHttpUrl(value)
        && new Uri(value) is var uri
        && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.Fragment.Length == 0;
}

using CybrLink.Core.Actions;
using CybrLink.Core.AgentCalls;
using CybrLink.Core.ConnectSessions;
using CybrLink.Core.Nango;
using CybrLink.Sandbox;
using CybrLink.Web.Connect;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Infrastructure;

public static class StartupErrors
{
    /// <summary>
    /// Checks every settings class and the action manifests before anything starts, so each problem is one sentence
    /// naming its key (or manifest file and JSON path) rather than a stack trace. (ValidateOnStart still guards hosts
    /// that skip this.)
    /// </summary>
    public static IReadOnlyList<string> ValidateSettings(IServiceProvider services)
    {
        var problems = new List<string>();
        Check<NangoOptions>(services, problems);
        Check<ConnectOptions>(services, problems);
        Check<BrandingOptions>(services, problems);
        Check<ApiOptions>(services, problems);
        Check<AgentCallOptions>(services, problems);
        Check<Core.AgentAccess.AgentOptions>(services, problems);
        Check<DatabaseOptions>(services, problems);
        Check<SandboxOptions>(services, problems);
        Check<RateLimits>(services, problems);
        Check<Account.OperatorSessionOptions>(services, problems);
        CheckActionManifests(services, problems);
        return problems.Distinct().ToList();
    }

    /// <summary>The sentences of a validation failure, without the member-name prefix the generated validators add.</summary>
    public static IEnumerable<string> Sentences(OptionsValidationException exception) => exception.Failures.Select(Sentence);

    private static void Check<TOptions>(IServiceProvider services, List<string> problems)
        where TOptions : class
    {
        try
        {
            _ = services.GetRequiredService<IOptions<TOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            problems.AddRange(Sentences(e));
        }
        catch (InvalidOperationException e) when (e.InnerException is not null)
        {
            // The binder could not read a value ("abc" for a number); its message names the key and the value.
            problems.Add($"A setting has a value of the wrong kind: {e.Message.ReplaceLineEndings(" ").Trim()}");
        }
    }

    // The catalog validates every manifest in its constructor; resolving it here builds it once, before the first request.
    private static void CheckActionManifests(IServiceProvider services, List<string> problems)
    {
        try
        {
            _ = services.GetRequiredService<ActionCatalog>();
        }
        catch (ActionManifestException e)
        {
            problems.Add(e.Message);
        }
    }

    // Generated validators report "BaseUrl: <our sentence>"; our sentences start with the section name.
    private static string Sentence(string failure)
    {
        var colon = failure.IndexOf(": ", StringComparison.Ordinal);
        var prefix = colon < 0 ? "" : failure[..colon];
        var single = colon > 0 && prefix.All(c => char.IsLetterOrDigit(c) || c is '.' or ',' or ' ' or '_') && !prefix.Contains(':');
        return (single ? failure[(colon + 2)..] : failure).ReplaceLineEndings(" ").Trim();
    }
}

using CybrLink.Core.Nango;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Infrastructure;

public static class StartupErrors
{
    /// <summary>
    /// Checks the settings CybrLink cannot run without, before anything starts, so a missing key gives one clear
    /// sentence naming it rather than a stack trace. (ValidateOnStart still guards hosts that skip this.)
    /// </summary>
    public static bool TryValidateSettings(IServiceProvider services, out string problem)
    {
        try
        {
            _ = services.GetRequiredService<IOptions<NangoOptions>>().Value;
            problem = "";
            return true;
        }
        catch (OptionsValidationException e)
        {
            problem = string.Join(" ", e.Failures.Select(Sentence).Distinct());
            return false;
        }
    }

    // DataAnnotations failures read "DataAnnotation validation failed for 'X' members: 'Y' with the error: '<ours>'."
    private static string Sentence(string failure)
    {
        const string marker = "with the error: '";
        var at = failure.IndexOf(marker, StringComparison.Ordinal);
        return at < 0 ? failure : failure[(at + marker.Length)..].TrimEnd('.', '\'') + ".";
    }
}

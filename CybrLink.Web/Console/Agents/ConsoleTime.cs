namespace CybrLink.Web.Console.Agents;

/// <summary>Times as the console shows them: UTC, to the minute.</summary>
public static class ConsoleTime
{
    public static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC";

    public static string OrNever(DateTimeOffset? at) => at is { } value ? Utc(value) : "never";
}

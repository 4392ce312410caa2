namespace CybrLink.Web.Console.Shared;

/// <summary>How the console writes a moment: UTC, to the minute, saying so.</summary>
public static class When
{
    public static string Utc(DateTimeOffset at) => $"{at.UtcDateTime:yyyy-MM-dd HH:mm} UTC";

    public static string Utc(DateTimeOffset? at, string none = "—") => at is { } value ? Utc(value) : none;
}

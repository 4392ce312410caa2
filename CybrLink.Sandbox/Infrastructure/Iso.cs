using System.Globalization;

namespace CybrLink.Sandbox.Infrastructure;

internal static class Iso
{
    /// <summary>JavaScript's <c>toISOString()</c>: UTC with milliseconds and <c>Z</c>, what Nango's list endpoints send.</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The same instant with a <c>+00:00</c> offset: how the connection list writes <c>created</c> (seen live, 0.71.4).</summary>
    public static string FormatOffset(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+00:00'", CultureInfo.InvariantCulture);
}

using System.Globalization;

namespace CybrLink.Sandbox.Infrastructure;

internal static class Iso
{
    /// <summary>JavaScript's <c>toISOString()</c>: UTC with milliseconds and <c>Z</c>, what Nango's list endpoints send.</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

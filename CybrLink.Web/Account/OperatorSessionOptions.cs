using System.ComponentModel.DataAnnotations;

namespace CybrLink.Web.Account;

/// <summary>How quickly a sign-out, a disabled operator or a role change reaches existing sign-ins.</summary>
public sealed class OperatorSessionOptions
{
    public const string SectionName = "Operators";

    /// <summary>How long a sign-in cookie is trusted before it is checked against the operator's record again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "Operators:CookieCheckInterval must be between 00:00:00 and 00:01:00.")]
    public TimeSpan CookieCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often an open console tab (Blazor circuit) checks the operator's record again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00", ErrorMessage = "Operators:ConsoleCheckInterval must be between 00:00:01 and 00:01:00.")]
    public TimeSpan ConsoleCheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}

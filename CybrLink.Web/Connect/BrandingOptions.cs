using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Connect;

/// <summary>How the operator's brand appears on the Connect UI (section <c>Branding</c>).</summary>
public sealed class BrandingOptions
{
    public const string SectionName = "Branding";

    [Required(AllowEmptyStrings = false, ErrorMessage = "Branding:Name must not be empty.")]
    [StringLength(80, ErrorMessage = "Branding:Name must be at most 80 characters.")]
    public string Name { get; set; } = "CybrLink";

    /// <summary>An absolute http(s) URL or a path on this site; empty = CybrLink's icon.</summary>
    [RegularExpression(@"^(https?://[^\s""'<>()]+|/[^/\s""'<>()][^\s""'<>()]*)$",
        ErrorMessage = "Branding:LogoUrl must be an absolute http(s) URL or a path starting with '/'.")]
    public string? LogoUrl { get; set; }

    // Note: the colour goes into a style attribute, so only a plain hex colour is accepted.
    [RegularExpression("^#[0-9a-fA-F]{6}$", ErrorMessage = "Branding:PrimaryColor must be a colour like #3949ab.")]
    public string PrimaryColor { get; set; } = "#3949ab";

    /// <summary>The origin the logo loads from, for the Connect UI's <c>img-src</c>; null when it is on this site.</summary>
    public string? LogoOrigin =>
        LogoUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri.GetLeftPart(UriPartial.Authority)
            : null;
}

[OptionsValidator]
public sealed partial class BrandingOptionsValidator : IValidateOptions<BrandingOptions>
{
}

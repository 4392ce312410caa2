using MudBlazor;

namespace CybrLink.Web.Console.Shared;

/// <summary>
/// The console's colours. Every filled colour is paired with a text colour that keeps 4.5:1 or better (WCAG AA) in
/// both modes: dark shades under white text in light mode, light shades under near-black text in dark mode.
/// </summary>
public static class ConsoleTheme
{
    private const string DarkText = "rgba(0,0,0,0.87)";

    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3949ab", AppbarBackground = "#283593",
            Success = "#2e7d32", Warning = "#b45309", Error = "#c62828", Info = "#0277bd",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#9fa8da", PrimaryContrastText = DarkText,
            // MudBlazor's 50% white for labels and helper text is 4.3:1 on dark paper; 70% is above 7:1.
            TextSecondary = "rgba(255,255,255,0.70)",
            Success = "#81c784", SuccessContrastText = DarkText,
            Warning = "#ffb74d", WarningContrastText = DarkText,
            Error = "#ef9a9a", ErrorContrastText = DarkText,
            Info = "#4fc3f7", InfoContrastText = DarkText,
        },
    };
}

using System.Globalization;
using CybrLink.Core.Connections;
using CybrLink.Core.Reporting;
using CybrLink.Web.Console.Shared;
using MudBlazor;
using MudBlazor.Charts;

namespace CybrLink.Web.Console.Overview;

/// <summary>How the overview words and colours its numbers, and the text alternatives of its charts.</summary>
public static class OverviewText
{
    public static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    public static string Recorded(RecordedTime? recorded) => recorded is null ? "never" : Utc(recorded.At);

    public static string NameOf(ConnectionStatus status) => status switch
    {
        ConnectionStatus.Active => "Active",
        ConnectionStatus.Error => "Error",
        _ => "Revoked",
    };

    public static Color ColorOf(ConnectionStatus status) => status switch
    {
        ConnectionStatus.Active => Color.Success,
        ConnectionStatus.Error => Color.Warning,
        _ => Color.Default,
    };

    public static string StatusChartLabel(OverviewNumbers n) =>
        "Connections by status: " + string.Join(", ", n.ConnectionsByStatus.Select(s => $"{NameOf(s.Key)} {s.Value:N0}"));

    public static string SessionChartLabel(OverviewNumbers n) =>
        "Connect sessions per day, completed / failed / expired: " +
        string.Join("; ", n.SessionsPerDay.Select(d => $"{Day(d.Day)} {d.Completed}/{d.Failed}/{d.Expired}"));

    public static string CallChartLabel(OverviewNumbers n) =>
        "Agent calls per day, allowed / denied / refused: " +
        string.Join("; ", n.CallsPerDay.Select(d => $"{Day(d.Day)} {d.Allowed}/{d.Denied}/{d.Refused}"));

    /// <summary>Chart options whose series take the theme's colours, in order (the chips' colours, not new ones).</summary>
    public static T Palette<T>(params Color[] colors) where T : IChartOptions, new()
    {
        var palette = ConsoleTheme.Theme.PaletteLight;
        return new T
        {
            ChartPalette = [.. colors.Select(c => (c switch
            {
                Color.Success => palette.Success,
                Color.Warning => palette.Warning,
                Color.Error => palette.Error,
                Color.Info => palette.Info,
                _ => palette.GrayDefault,
            }).ToString(MudBlazor.Utilities.MudColorOutputFormats.Hex))],
        };
    }

    private static string Day(DateOnly day) => day.ToString("MMM d", CultureInfo.InvariantCulture);
}

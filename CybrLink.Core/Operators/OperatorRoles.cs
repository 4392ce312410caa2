namespace CybrLink.Core.Operators;

public static class OperatorRoles
{
    public const string Admin = "Admin";
    public const string Viewer = "Viewer";

    public static readonly IReadOnlyList<string> All = [Admin, Viewer];

    /// <summary>The canonical spelling of <paramref name="role"/> (case-insensitive), or null if it is not a role.</summary>
    public static string? Normalize(string? role) =>
        All.FirstOrDefault(r => string.Equals(r, role, StringComparison.OrdinalIgnoreCase));
}

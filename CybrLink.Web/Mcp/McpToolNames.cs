using System.Security.Cryptography;
using System.Text;

namespace CybrLink.Web.Mcp;

/// <summary>
/// MCP tool names: <c>&lt;integration&gt;__&lt;action&gt;</c>, only <c>[A-Za-z0-9_-]</c>, at most 64 characters. Other
/// characters become <c>_</c>; a name that is too long, or taken by an earlier entry (in ordinal order of integration
/// and action), ends in <c>_</c> and six hex digits of a hash of the integration and action, so it is the same every time.
/// </summary>
public static class McpToolNames
{
    public const int MaxLength = 64;
    public const string ListConnections = "list_connections";
    public const string HttpRequest = "http_request";

    /// <summary>Names for every (integration, action), the built-in tool names being taken first.</summary>
    public static IReadOnlyDictionary<(string Integration, string Action), string> Assign(IEnumerable<(string Integration, string Action)> entries)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal) { ListConnections, HttpRequest };
        var names = new Dictionary<(string, string), string>();
        foreach (var entry in entries.Distinct()
            .OrderBy(e => e.Integration, StringComparer.Ordinal).ThenBy(e => e.Action, StringComparer.Ordinal))
        {
            var clean = Clean(entry.Integration + "__" + entry.Action);
            var name = clean;
            if (name.Length > MaxLength || !taken.Add(name))
            {
                var hash = "_" + Hash(entry.Integration + "\n" + entry.Action);
                for (var i = 1; ; i++)
                {
                    var suffix = i == 1 ? hash : hash + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    name = clean[..Math.Min(clean.Length, MaxLength - suffix.Length)] + suffix;
                    if (taken.Add(name))
                    {
                        break;
                    }
                }
            }

            names[entry] = name;
        }

        return names;
    }

    private static string Clean(string raw)
    {
        var builder = new StringBuilder(raw.Length);
        foreach (var c in raw)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_');
        }

        return builder.ToString();
    }

    private static string Hash(string value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..6];
}

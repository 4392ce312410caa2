using System.Linq.Expressions;

namespace CybrLink.Core.EndUsers;

/// <summary>
/// Case-insensitive prefix search over an end user's id, email and display name. Each is one range on a lower-case
/// column with its own index (<c>column &gt;= prefix AND column &lt; next prefix</c>), so it stays an index seek over
/// millions of rows on SQLite and PostgreSQL alike; <c>LIKE</c> would need a NOCASE or pattern-ops index per provider.
/// </summary>
public static class EndUserSearch
{
    /// <summary>The filter, or null when the text is blank (no search).</summary>
    public static Expression<Func<EndUser, bool>>? Matches(string? text)
    {
        if (EndUser.Normalize(text) is not { } from)
        {
            return null;
        }

        var to = NextPrefix(from);
        return u => (string.Compare(u.SearchId, from) >= 0 && string.Compare(u.SearchId, to) < 0)
            || (string.Compare(u.SearchEmail, from) >= 0 && string.Compare(u.SearchEmail, to) < 0)
            || (string.Compare(u.SearchName, from) >= 0 && string.Compare(u.SearchName, to) < 0);
    }

    /// <summary>The smallest string greater than every string starting with <paramref name="prefix"/> (byte-wise order).</summary>
    internal static string NextPrefix(string prefix)
    {
        var last = prefix.Length - 1;
        while (last >= 0 && prefix[last] == char.MaxValue)
        {
            last--;
        }

        return last < 0 ? prefix + char.MaxValue : prefix[..last] + (char)(prefix[last] + 1);
    }
}

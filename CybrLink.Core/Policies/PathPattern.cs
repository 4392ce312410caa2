namespace CybrLink.Core.Policies;

/// <summary>
/// A proxy path pattern: <c>/</c>-separated segments, each a literal (exact, case-sensitive), <c>*</c> (exactly one
/// segment) or <c>**</c> (any number of segments, also none). Matched against a canonical path from
/// <see cref="AgentPaths.Normalize"/>; literals are kept in the same canonical encoding, so comparing encoded segments
/// compares the decoded ones. A trailing <c>/</c> of the path is ignored when matching.
/// </summary>
public sealed class PathPattern
{
    public const int MaxLength = 1024;
    private const string One = "*";
    private const string Any = "**";

    private readonly string[] _segments;

    private PathPattern(string text, string[] segments)
    {
        Text = text;
        _segments = segments;
    }

    /// <summary>The pattern as written in the policy.</summary>
    public string Text { get; }

    /// <summary>The pattern, or an error sentence when <paramref name="text"/> is not one.</summary>
    public static (PathPattern? Pattern, string? Error) Parse(string text)
    {
        if (text.Length == 0 || text[0] != '/')
        {
            return (null, "A path pattern starts with '/'.");
        }

        if (text.Length > MaxLength)
        {
            return (null, $"At most {MaxLength} characters.");
        }

        if (text == "/")
        {
            return (new PathPattern(text, []), null);
        }

        var raw = text[1..].Split('/');
        var segments = new string[raw.Length];
        for (var i = 0; i < raw.Length; i++)
        {
            var segment = raw[i];
            if (segment.Length == 0)
            {
                return (null, "Empty segments ('//' or a trailing '/') are not allowed.");
            }

            if (segment is "." or "..")
            {
                return (null, "'.' and '..' segments are not allowed.");
            }

            if (segment is One or Any)
            {
                segments[i] = segment;
                continue;
            }

            if (segment.Contains('*'))
            {
                return (null, $"'*' and '**' must be a whole segment ('{segment}').");
            }

            foreach (var c in segment)
            {
                if (c is '%' or '\\' or ';' or '?' or '#' || char.IsControl(c))
                {
                    return (null, "Literal segments are written decoded, without '%', '\\', ';', '?', '#' or control characters.");
                }
            }

            if (!AgentPaths.IsWellFormed(segment))
            {
                return (null, "The pattern is not valid Unicode text.");
            }

            segments[i] = AgentPaths.EncodeSegment(segment);
        }

        return (new PathPattern(text, segments), null);
    }

    /// <summary>True when the canonical <paramref name="path"/> matches. Allocates nothing.</summary>
    public bool Matches(string path)
    {
        // Segment-wise wildcard matching with one backtrack point (the last "**"), walking the path by positions.
        var end = path.Length > 1 && path[^1] == '/' ? path.Length - 1 : path.Length;
        int p = 0, at = 1, starP = -1, starAt = 0;
        while (at <= end && end > 1)
        {
            var next = path.IndexOf('/', at, end - at);
            var segmentEnd = next < 0 ? end : next;
            var segment = path.AsSpan(at, segmentEnd - at);
            if (p < _segments.Length && _segments[p] != Any && (_segments[p] == One || segment.SequenceEqual(_segments[p])))
            {
                p++;
                at = segmentEnd + 1;
            }
            else if (p < _segments.Length && _segments[p] == Any)
            {
                starP = p++;
                starAt = at;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                var skip = path.IndexOf('/', starAt, end - starAt);
                starAt = skip < 0 ? end + 1 : skip + 1;
                at = starAt;
            }
            else
            {
                return false;
            }
        }

        while (p < _segments.Length && _segments[p] == Any)
        {
            p++;
        }

        return p == _segments.Length;
    }

    public override string ToString() => Text;
}

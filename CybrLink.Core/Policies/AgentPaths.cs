using System.Buffers;
using System.Text;

namespace CybrLink.Core.Policies;

/// <summary>The outcome of <see cref="AgentPaths.Normalize"/>: the canonical path, or why the raw one was refused.</summary>
public sealed record NormalizedPath(string? Path, string? Error)
{
    /// <summary>The stable error code for a refused path (answered 400).</summary>
    public const string ErrorCode = "invalid_path";

    public bool IsValid => Path is not null;
}

/// <summary>
/// The one normalisation of an agent's proxy path. The canonical form it returns is what the policy is checked against
/// AND what is forwarded, so what was checked is what is sent.
/// </summary>
public static class AgentPaths
{
    public const int MaxLength = 2048;

    /// <summary>
    /// Takes the RAW, still percent-encoded path (no query) and returns it canonical: each segment decoded, then
    /// re-encoded with RFC 3986 unreserved characters (<c>A-Z a-z 0-9 - . _ ~</c>) plain and every other byte of its
    /// UTF-8 as uppercase <c>%XX</c>. A trailing <c>/</c> is kept. Refused (<see cref="NormalizedPath.ErrorCode"/>):
    /// <c>.</c>/<c>..</c> segments (plain or encoded), encoded <c>/</c> or <c>\</c>, any <c>%25</c> (double encoding),
    /// NUL, raw <c>\</c>, <c>;</c> (raw or encoded), invalid escapes, control characters, <c>?</c>/<c>#</c>, empty
    /// segments, invalid UTF-8, and paths longer than <see cref="MaxLength"/>.
    /// </summary>
    // Note: every refusal here closes a way to reach a path the policy did not check: ".." and "%2e%2e" climb out of a
    // granted prefix once the provider (or a proxy in between) resolves them; "%2F" and "%5C" become separators at
    // some servers and not others; "%252F" decodes to "%2F" at a second decoder; ";x" is a path parameter that Java and
    // some proxies strip before routing. Refusing them beats guessing how each upstream would read them.
    public static NormalizedPath Normalize(string rawPath)
    {
        if (rawPath.Length == 0 || rawPath[0] != '/')
        {
            return Fail("The path must start with '/'.");
        }

        if (rawPath.Length > MaxLength)
        {
            return Fail($"The path is longer than {MaxLength} characters.");
        }

        if (rawPath == "/")
        {
            return new NormalizedPath("/", null);
        }

        var output = new StringBuilder(rawPath.Length + 16);
        var bytes = ArrayPool<byte>.Shared.Rent(rawPath.Length * 3);
        try
        {
            var start = 1;
            while (true)
            {
                var end = rawPath.IndexOf('/', start);
                var last = end < 0;
                var segment = rawPath.AsSpan(start, (last ? rawPath.Length : end) - start);
                if (segment.IsEmpty)
                {
                    if (last)
                    {
                        output.Append('/');
                        break;
                    }

                    return Fail("The path has an empty segment ('//').");
                }

                if (DecodeSegment(segment, bytes, out var length) is { } error)
                {
                    return Fail(error);
                }

                var decoded = bytes.AsSpan(0, length);
                if (decoded is [(byte)'.'] or [(byte)'.', (byte)'.'])
                {
                    return Fail("The path has a '.' or '..' segment.");
                }

                if (CheckText(decoded) is { } textError)
                {
                    return Fail(textError);
                }

                output.Append('/');
                Encode(decoded, output);
                if (last)
                {
                    break;
                }

                start = end + 1;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }

        return new NormalizedPath(output.ToString(), null);
    }

    /// <summary>A decoded segment (text, no '/') in canonical encoding: for pattern literals.</summary>
    internal static string EncodeSegment(string decoded)
    {
        var builder = new StringBuilder(decoded.Length + 8);
        Encode(Encoding.UTF8.GetBytes(decoded), builder);
        return builder.ToString();
    }

    /// <summary>False for text with a lone surrogate (no UTF-8 encoding exists for it).</summary>
    internal static bool IsWellFormed(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(text, out _, out var consumed) != OperationStatus.Done)
            {
                return false;
            }

            text = text[consumed..];
        }

        return true;
    }

    private static string? DecodeSegment(ReadOnlySpan<char> segment, byte[] bytes, out int length)
    {
        length = 0;
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (c == '%')
            {
                if (i + 2 >= segment.Length || !char.IsAsciiHexDigit(segment[i + 1]) || !char.IsAsciiHexDigit(segment[i + 2]))
                {
                    return "The path has an invalid percent escape.";
                }

                var b = (byte)((HexValue(segment[i + 1]) << 4) | HexValue(segment[i + 2]));
                if (Refused(b) is { } refused)
                {
                    return $"The path has an encoded {refused}.";
                }

                bytes[length++] = b;
                i += 2;
                continue;
            }

            if (c < 0x80)
            {
                if (Refused((byte)c) is { } refused)
                {
                    return $"The path has a {refused}.";
                }

                if (c is '?' or '#')
                {
                    return "The path has a '?' or '#': send the query separately.";
                }

                bytes[length++] = (byte)c;
                continue;
            }

            // A raw non-ASCII character (a client that did not encode): taken as its UTF-8 bytes.
            if (Rune.DecodeFromUtf16(segment[i..], out var rune, out var consumed) != OperationStatus.Done)
            {
                return "The path has invalid text (a lone surrogate).";
            }

            var written = rune.EncodeToUtf8(utf8);
            utf8[..written].CopyTo(bytes.AsSpan(length));
            length += written;
            i += consumed - 1;
        }

        return null;
    }

    private static string? CheckText(ReadOnlySpan<byte> decoded)
    {
        while (!decoded.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(decoded, out var rune, out var consumed) != OperationStatus.Done)
            {
                return "The path is not UTF-8 once decoded.";
            }

            if (Rune.IsControl(rune))
            {
                return "The path has a control character.";
            }

            decoded = decoded[consumed..];
        }

        return null;
    }

    private static string? Refused(byte b) => b switch
    {
        (byte)'/' => "'/'",
        (byte)'\\' => "backslash",
        (byte)'%' => "'%' (double encoding)",
        (byte)';' => "';' (path parameter)",
        0 => "NUL",
        < 0x20 or 0x7F => "control character",
        _ => null,
    };

    private static void Encode(ReadOnlySpan<byte> decoded, StringBuilder output)
    {
        foreach (var b in decoded)
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
            {
                output.Append((char)b);
            }
            else
            {
                output.Append('%').Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xF]);
            }
        }
    }

    private const string HexDigits = "0123456789ABCDEF";

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static NormalizedPath Fail(string reason) => new(null, reason);
}

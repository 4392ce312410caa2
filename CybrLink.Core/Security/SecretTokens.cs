using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace CybrLink.Core.Security;

/// <summary>
/// CybrLink's own bearer secrets (server keys, connect-session tokens): a prefix plus 256 random bits.
/// Only a SHA-256 hash is ever stored; comparisons are constant-time.
/// </summary>
public static class SecretTokens
{
    private const int SecretBytes = 32;

    /// <summary>A new secret: <paramref name="prefix"/> + 43 base64url characters (256 bits).</summary>
    public static string Generate(string prefix) =>
        prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>Lowercase hex SHA-256 of the whole token, the only form that is stored.</summary>
    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>True when <paramref name="token"/> has the prefix and exactly the shape <see cref="Generate"/> makes.</summary>
    public static bool HasShape(string token, string prefix)
    {
        if (!token.StartsWith(prefix, StringComparison.Ordinal) || token.Length != prefix.Length + 43)
        {
            return false;
        }

        foreach (var c in token.AsSpan(prefix.Length))
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Constant-time comparison of two hex hashes.</summary>
    public static bool HashesEqual(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}

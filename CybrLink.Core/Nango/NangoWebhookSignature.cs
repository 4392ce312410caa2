using System.Security.Cryptography;
using System.Text;

namespace CybrLink.Core.Nango;

/// <summary>Nango's webhook signature: <c>X-Nango-Hmac-Sha256</c> = lowercase hex HMAC-SHA256(signing key, raw body).</summary>
public static class NangoWebhookSignature
{
    public const string HeaderName = "X-Nango-Hmac-Sha256";

    public static string Compute(ReadOnlySpan<byte> rawBody, string signingKey) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), rawBody));

    /// <summary>
    /// True when <paramref name="signature"/> is the HMAC of exactly these bytes. Verify the bytes as received, never
    /// a re-serialised object: Nango signs its own serialisation.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> rawBody, string? signature, string signingKey)
    {
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(signingKey))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(rawBody, signingKey));
        var given = Encoding.ASCII.GetBytes(signature.Trim().ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}

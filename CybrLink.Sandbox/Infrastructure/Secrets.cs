using System.Security.Cryptography;

namespace CybrLink.Sandbox.Infrastructure;

internal static class Secrets
{
    /// <summary>
    /// Every credential the sandbox mints starts with this marker, so tests can prove that no credential reached
    /// CybrLink's database, logs or an agent by searching for it.
    /// </summary>
    public const string CanaryPrefix = "sbx_canary_";

    public const string ConnectSessionPrefix = "nango_connect_session_";

    public static string Hex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    public static string AccessToken() => $"{CanaryPrefix}at_{Hex(24)}";

    public static string RefreshToken() => $"{CanaryPrefix}rt_{Hex(24)}";

    public static string AuthorizationCode() => $"{CanaryPrefix}code_{Hex(16)}";

    public static string ConnectSessionToken() => ConnectSessionPrefix + Hex(32);

    public static string CodeVerifier() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string S256(string verifier) => Base64Url(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));

    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(a), System.Text.Encoding.UTF8.GetBytes(b));

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}

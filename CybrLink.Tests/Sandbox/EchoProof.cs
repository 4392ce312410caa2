using System.Security.Cryptography;
using System.Text;

namespace CybrLink.Tests.Sandbox;

/// <summary>
/// What the echo upstream shows instead of a credential header's value, computed here independently of the sandbox so
/// a test that expects it also checks the sandbox's arithmetic.
/// </summary>
public static class EchoProof
{
    public static string Of(string headerValue) =>
        "present, sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(headerValue)))[..8];
}

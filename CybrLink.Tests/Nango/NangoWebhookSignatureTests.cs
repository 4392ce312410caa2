using System.Text;
using CybrLink.Core.Nango;

namespace CybrLink.Tests.Nango;

public sealed class NangoWebhookSignatureTests
{
    private const string SigningKey = "7b1c2e34-5f6a-4b8c-9d0e-1f2a3b4c5d6e";

    // Nango's own serialisation: compact, keys sorted.
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"connectionId":"conn-1","from":"nango","operation":"creation","providerConfigKey":"sandbox-mail","success":true,"type":"auth"}""");

    // Computed independently (Python hmac/hashlib) from the key and body above.
    private const string ExpectedHmac = "5c8a582ae93b0b7cc98cd7d456fadc016aadf457a506e094f3e98916c6133339";

    [Fact]
    public void Compute_matches_the_reference_vector() =>
        Assert.Equal(ExpectedHmac, NangoWebhookSignature.Compute(Body, SigningKey));

    [Fact]
    public void Verify_accepts_the_reference_signature_in_either_case()
    {
        Assert.True(NangoWebhookSignature.Verify(Body, ExpectedHmac, SigningKey));
        Assert.True(NangoWebhookSignature.Verify(Body, ExpectedHmac.ToUpperInvariant(), SigningKey));
    }

    [Fact]
    public void Verify_rejects_a_changed_byte()
    {
        var tampered = (byte[])Body.Clone();
        tampered[^3] ^= 0x01;
        Assert.False(NangoWebhookSignature.Verify(tampered, ExpectedHmac, SigningKey));
    }

    [Fact]
    public void Verify_rejects_a_reserialised_body() =>
        Assert.False(NangoWebhookSignature.Verify(
            Encoding.UTF8.GetBytes("""{"type":"auth","from":"nango","connectionId":"conn-1","operation":"creation","providerConfigKey":"sandbox-mail","success":true}"""),
            ExpectedHmac, SigningKey));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-hex")]
    // The legacy X-Nango-Signature (SHA-256 of key + body) is not accepted in place of the HMAC.
    [InlineData("94263be01a81d0233c9ceb1ace16e89bba7e55cac160bdd2aed549a3050c96a6")]
    public void Verify_rejects_missing_or_wrong_signatures(string? signature) =>
        Assert.False(NangoWebhookSignature.Verify(Body, signature, SigningKey));

    [Fact]
    public void Verify_rejects_another_key() =>
        Assert.False(NangoWebhookSignature.Verify(Body, ExpectedHmac, "another-key"));
}

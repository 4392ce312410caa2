using CybrLink.Core.Audit;

namespace CybrLink.Tests.Audit;

/// <summary>The canonical content as docs/audit-chain.md writes it down, so anyone can re-implement the check.</summary>
public sealed class AuditChainHashTests
{
    private static readonly AuditEventContent Documented = new(
        1, Guid.Parse("0193a5c2-0000-7000-8000-000000000001"), new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks,
        "agent.created", "system", null, "agent", "42", null);

    [Fact]
    public void The_documented_example_hashes_to_the_sha256_of_its_documented_bytes()
    {
        // sha256("0"*64 + "1:136:0193a5c2-0000-7000-8000-00000000000118:63902822400000000013:agent.created6:system-5:agent2:42-")
        Assert.Equal("e79cd13572bd7a8845bf9b106409d1e391ddcf97e86ad575240f685f61ccfb1a", AuditChainHash.Of(AuditChainHead.GenesisHash, Documented));
    }

    [Fact]
    public void Moving_characters_between_fields_or_null_versus_empty_changes_the_hash()
    {
        var original = AuditChainHash.Of(AuditChainHead.GenesisHash, Documented);

        Assert.NotEqual(original, AuditChainHash.Of(AuditChainHead.GenesisHash, Documented with { TargetType = "agent4", TargetId = "2" }));
        Assert.NotEqual(original, AuditChainHash.Of(AuditChainHead.GenesisHash, Documented with { Detail = "" }));
        Assert.NotEqual(original, AuditChainHash.Of(new string('1', 64), Documented));
    }
}

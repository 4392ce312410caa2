using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CybrLink.Core.Audit;

/// <summary>What the chain hashes of one event: everything but its own hash.</summary>
public readonly record struct AuditEventContent(
    long Sequence, Guid Id, long AtUtcTicks, string Action, string ActorType, string? ActorId, string TargetType, string TargetId,
    string? Detail)
{
    public static AuditEventContent Of(AuditEvent e) =>
        new(e.Sequence, e.Id, e.At.UtcTicks, e.Action, e.ActorType, e.ActorId, e.TargetType, e.TargetId, e.Detail);
}

/// <summary>
/// The audit chain's hash (docs/audit-chain.md): <c>Hash = lowercase hex SHA-256( PreviousHash as 64 ASCII characters ||
/// canonical content )</c>. The canonical content is the fields in a fixed order (sequence, id, at as UTC ticks, action,
/// actor type, actor id, target type, target id, detail), each written as its UTF-8 byte length in decimal, a colon
/// and the bytes; a null is a single <c>-</c>. Numbers are invariant decimal, the id lowercase "D" format.
/// </summary>
/// <remarks>Not thread-safe: one instance per verifier or writer (it reuses its hash state and buffer).</remarks>
public sealed class AuditChainHash : IDisposable
{
    // Note: length prefixes, not separators: moving characters from one field to the next ("a|b" + "c" vs "a" + "b|c")
    // changes the bytes, and "-" (null) can never be a length, so a null and "" hash differently.
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[] _buffer = new byte[1024];

    /// <summary>The hash of the event whose predecessor's hash is <paramref name="previousHash"/>.</summary>
    public string Compute(string previousHash, in AuditEventContent content)
    {
        if (previousHash.Length != 64)
        {
            throw new ArgumentException("A previous hash is 64 hexadecimal characters.", nameof(previousHash));
        }

        AppendAscii(previousHash);
        AppendField(content.Sequence.ToString(CultureInfo.InvariantCulture));
        AppendField(content.Id.ToString("D"));
        AppendField(content.AtUtcTicks.ToString(CultureInfo.InvariantCulture));
        AppendField(content.Action);
        AppendField(content.ActorType);
        AppendField(content.ActorId);
        AppendField(content.TargetType);
        AppendField(content.TargetId);
        AppendField(content.Detail);
        Span<byte> hash = stackalloc byte[32];
        _sha.GetHashAndReset(hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>One-off hash (a writer's few events); verifiers keep an instance.</summary>
    public static string Of(string previousHash, in AuditEventContent content)
    {
        using var hasher = new AuditChainHash();
        return hasher.Compute(previousHash, content);
    }

    private void AppendAscii(string text)
    {
        var length = Encoding.ASCII.GetBytes(text, Reserve(text.Length));
        _sha.AppendData(_buffer, 0, length);
    }

    private void AppendField(string? value)
    {
        if (value is null)
        {
            _sha.AppendData("-"u8);
            return;
        }

        var byteCount = Encoding.UTF8.GetByteCount(value);
        Span<byte> prefix = stackalloc byte[24];
        byteCount.TryFormat(prefix, out var digits, default, CultureInfo.InvariantCulture);
        prefix[digits++] = (byte)':';
        _sha.AppendData(prefix[..digits]);
        var written = Encoding.UTF8.GetBytes(value, Reserve(byteCount));
        _sha.AppendData(_buffer, 0, written);
    }

    private Span<byte> Reserve(int bytes)
    {
        if (_buffer.Length < bytes)
        {
            _buffer = new byte[Math.Max(bytes, _buffer.Length * 2)];
        }

        return _buffer.AsSpan(0, bytes);
    }

    public void Dispose() => _sha.Dispose();
}

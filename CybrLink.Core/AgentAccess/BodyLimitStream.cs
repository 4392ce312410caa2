namespace CybrLink.Core.AgentAccess;

/// <summary>
/// Streams an agent's request body onwards and stops it at the limit, whatever its Content-Length said (chunked bodies
/// have none). Counts what went through.
/// </summary>
/// <param name="isHostLimit">
/// Tells the host's own body-size refusal (Kestrel parses a chunked body ahead of what was read, so its limit can trip
/// first) apart from other read failures; such a refusal is reported as the same <see cref="AgentRefusal.BodyTooLarge"/>.
/// </param>
public sealed class BodyLimitStream(Stream inner, long limit, Func<Exception, bool>? isHostLimit = null) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        int read;
        try
        {
            read = await inner.ReadAsync(buffer, ct);
        }
        catch (Exception e) when (isHostLimit?.Invoke(e) == true)
        {
            throw TooLarge();
        }

        BytesRead += read;
        return BytesRead > limit ? throw TooLarge() : read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    // No inner exception: the refusal itself is what callers find with GetBaseException().
    private AgentAccessException TooLarge() =>
        new(AgentRefusal.BodyTooLarge, $"Bodies of up to {limit} bytes are accepted.");

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

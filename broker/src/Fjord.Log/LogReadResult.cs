using Fjord.Log.Segments;

namespace Fjord.Log;

/// <summary>
/// Which bytes of a segment answer a fetch: whole batches from <see cref="Position"/> for
/// <see cref="Length"/> bytes. Nothing is staged; <see cref="CopyTo"/> reads the segment file straight
/// into the caller's (pooled) buffer. The result pins the segment's file handle so retention or
/// DeleteRecords cannot close it mid-read: dispose it once the bytes are copied.
/// </summary>
public sealed class LogReadResult : IDisposable
{
    private LogSegment? _segment;

    internal LogReadResult(LogSegment? segment, long fetchOffset, long position, int length, long firstOffset, long highWatermark, long logStartOffset, long logEndOffset)
    {
        _segment = segment;
        FetchOffset = fetchOffset;
        Position = position;
        Length = length;
        FirstOffset = firstOffset;
        HighWatermark = highWatermark;
        LogStartOffset = logStartOffset;
        LogEndOffset = logEndOffset;
    }

    internal static LogReadResult Empty(long fetchOffset, long highWatermark, long logStartOffset, long logEndOffset) =>
        new(null, fetchOffset, 0, 0, -1, highWatermark, logStartOffset, logEndOffset);

    /// <summary>The offset the fetch asked for.</summary>
    public long FetchOffset { get; }

    /// <summary>Byte position of the first batch in its segment file.</summary>
    public long Position { get; }

    /// <summary>Bytes to send: zero or more whole batches.</summary>
    public int Length { get; }

    /// <summary>Base offset of the first batch (it may start before the fetch offset), or -1 when empty.</summary>
    public long FirstOffset { get; }

    public long HighWatermark { get; }

    public long LogStartOffset { get; }

    public long LogEndOffset { get; }

    /// <summary>
    /// No batch read reaches this offset: the read's bound, or the end of its segment (a read never spans
    /// two). What a read_committed fetch collects aborted transactions up to; -1 when empty.
    /// </summary>
    public long UpperBoundOffset { get; init; } = -1;

    public bool IsEmpty => Length == 0;

    /// <summary>
    /// The segment file as a stream the kernel can send from (sendfile): the bytes from <see cref="Position"/>
    /// for <see cref="Length"/> are the records. Valid until this result is disposed; do not dispose it.
    /// </summary>
    public FileStream File => (_segment ?? throw new ObjectDisposedException(nameof(LogReadResult))).SendStream;

    /// <summary>Copies the batches into <paramref name="destination"/>, which must hold <see cref="Length"/> bytes.</summary>
    public int CopyTo(Span<byte> destination)
    {
        if (Length == 0)
        {
            return 0;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Length, nameof(destination));
        var segment = _segment ?? throw new ObjectDisposedException(nameof(LogReadResult));
        var read = segment.Read(Position, destination[..Length]);
        if (read != Length)
        {
            throw new LogStorageException($"segment {segment.LogPath} ended after {read} of {Length} bytes at position {Position}");
        }

        return read;
    }

    /// <summary>Asynchronous <see cref="CopyTo"/>, e.g. straight into a PipeWriter's memory.</summary>
    public async ValueTask<int> CopyToAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (Length == 0)
        {
            return 0;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Length, nameof(destination));
        var segment = _segment ?? throw new ObjectDisposedException(nameof(LogReadResult));
        var read = await segment.ReadAsync(Position, destination[..Length], cancellationToken).ConfigureAwait(false);
        if (read != Length)
        {
            throw new LogStorageException($"segment {segment.LogPath} ended after {read} of {Length} bytes at position {Position}");
        }

        return read;
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _segment, null)?.Release();
    }
}

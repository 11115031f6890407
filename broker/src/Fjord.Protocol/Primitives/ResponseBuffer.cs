using System.Buffers;
using System.Buffers.Binary;

namespace Fjord.Protocol;

/// <summary>
/// One response frame on its way out: encoded bytes in a pooled buffer, with file regions
/// (<see cref="FileRecords"/>) spliced in at the positions where their bytes belong. The 4-byte size
/// prefix counts both. A transport walks <see cref="Parts"/>: bytes it writes, regions it sends from
/// the file (sendfile on a plain socket) or copies once (TLS). Regions smaller than
/// <see cref="InlineBelowBytes"/> are read into the buffer at once instead: a fetch of many
/// partitions with a few records each would otherwise cost a sendfile per partition plus a send for
/// each header between them, where one pread per partition and one send for the frame cost less.
/// </summary>
public sealed class ResponseBuffer : IBufferWriter<byte>, IRecordsSplicer, IDisposable
{
    private readonly PooledBufferWriter _bytes;
    private readonly List<(int Position, FileRecords Records)> _splices = [];
    private long _splicedBytes;

    /// <summary>
    /// Regions below this size are copied into the frame: two pages, where a syscall and its splice
    /// set-up cost more than the copy (measured with the perf tool's fetch-many, see the README).
    /// </summary>
    public const int DefaultInlineBelowBytes = 8 * 1024;

    public ResponseBuffer(int initialCapacity = 256, int inlineBelowBytes = DefaultInlineBelowBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inlineBelowBytes);
        _bytes = new PooledBufferWriter(initialCapacity);
        InlineBelowBytes = inlineBelowBytes;
    }

    /// <summary>Spliced regions shorter than this are read into the buffer instead (0: splice every region).</summary>
    public int InlineBelowBytes { get; }

    /// <summary>Bytes in the frame, spliced regions included.</summary>
    public long Length => _bytes.WrittenCount + _splicedBytes;

    /// <summary>Encoded bytes only (no spliced regions).</summary>
    public int WrittenCount => _bytes.WrittenCount;

    public bool IsEmpty => Length == 0;

    /// <summary>Spliced regions in this frame.</summary>
    public int SpliceCount => _splices.Count;

    /// <summary>Capacity of the pooled byte buffer.</summary>
    public int Capacity => _bytes.Capacity;

    /// <summary>The encoded bytes, for frames without splices (and tests).</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _bytes.WrittenMemory;

    public void Advance(int count) => _bytes.Advance(count);

    public Memory<byte> GetMemory(int sizeHint = 0) => _bytes.GetMemory(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => _bytes.GetSpan(sizeHint);

    public void Splice(FileRecords records)
    {
        if (records.Length < InlineBelowBytes)
        {
            records.InlineTo(_bytes.GetSpan(records.Length));
            _bytes.Advance(records.Length);
            return;
        }

        records.Retain();
        _splices.Add((_bytes.WrittenCount, records));
        _splicedBytes += records.Length;
    }

    /// <summary>Writes the frame's size (everything after the 4-byte prefix reserved at the start).</summary>
    public void PatchSizePrefix() =>
        BinaryPrimitives.WriteInt32BigEndian(_bytes.WrittenSpanMutable, checked((int)(Length - 4)));

    /// <summary>The frame in order: each part is either bytes or a file region.</summary>
    public IEnumerable<(ReadOnlyMemory<byte> Bytes, FileRecords? Records)> Parts
    {
        get
        {
            var written = _bytes.WrittenMemory;
            var at = 0;
            foreach (var (position, records) in _splices)
            {
                if (position > at) yield return (written[at..position], null);
                yield return (ReadOnlyMemory<byte>.Empty, records);
                at = position;
            }
            if (written.Length > at) yield return (written[at..], null);
        }
    }

    /// <summary>Forgets the frame, releasing spliced regions; keeps the byte buffer for reuse.</summary>
    public void Reset()
    {
        foreach (var (_, records) in _splices) ((IDisposable)records).Dispose();
        _splices.Clear();
        _splicedBytes = 0;
        _bytes.Reset();
    }

    public void Dispose()
    {
        Reset();
        _bytes.Dispose();
    }
}

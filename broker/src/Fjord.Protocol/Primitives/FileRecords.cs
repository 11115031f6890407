using System.Buffers;

namespace Fjord.Protocol;

/// <summary>
/// Record bytes that stay in a file until the transport sends them: a response field of this kind
/// is written as its length prefix plus a splice (<see cref="IRecordsSplicer"/>), and a plain
/// socket sends the region with sendfile, so the bytes never enter managed memory. A transport that
/// must see the bytes (TLS) or code that reads <see cref="MemoryManager{T}.Memory"/> gets them
/// copied from the file once, into a pooled buffer, and <see cref="BytesCopied"/> says so.
/// Reference counted: the creator holds one reference, a response buffer takes another until sent.
/// </summary>
public abstract class FileRecords : MemoryManager<byte>
{
    private static long _totalBytesCopied;
    private static long _totalBytesInlined;
    private byte[]? _copy;
    private int _references = 1;

    protected FileRecords(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
    }

    public int Length { get; }

    /// <summary>The file, opened for asynchronous reads (what the socket's sendfile path needs).</summary>
    public abstract FileStream File { get; }

    /// <summary>Where the records start in <see cref="File"/>.</summary>
    public abstract long FilePosition { get; }

    /// <summary>Bytes of this region read into user-space memory so far.</summary>
    public int BytesCopied { get; private set; }

    /// <summary>Bytes of every file region of this process read into user-space memory: 0 while only sendfile sends them.</summary>
    public static long TotalBytesCopied => Interlocked.Read(ref _totalBytesCopied);

    /// <summary>
    /// Bytes of small regions that responses read into their own buffer on purpose
    /// (<see cref="ResponseBuffer.InlineBelowBytes"/>): counted apart from <see cref="TotalBytesCopied"/>,
    /// which says whether any region the platform could send from the file was copied after all.
    /// </summary>
    public static long TotalBytesInlined => Interlocked.Read(ref _totalBytesInlined);

    /// <summary>Reads the records into a response's own buffer, because the region is too small to be worth a sendfile.</summary>
    public void InlineTo(Span<byte> destination)
    {
        ReadInto(destination[..Length]);
        Interlocked.Add(ref _totalBytesInlined, Length);
    }

    /// <summary>Reads the records into <paramref name="destination"/> (the path for transports that need bytes).</summary>
    public void CopyTo(Span<byte> destination)
    {
        ReadInto(destination[..Length]);
        BytesCopied += Length;
        Interlocked.Add(ref _totalBytesCopied, Length);
    }

    /// <summary>Reads the region from the file into <paramref name="destination"/>, exactly <see cref="Length"/> bytes.</summary>
    protected abstract void ReadInto(Span<byte> destination);

    /// <summary>Called when the last reference goes: release the file.</summary>
    protected abstract void ReleaseFile();

    public void Retain() => Interlocked.Increment(ref _references);

    /// <summary>The records as memory, without reading them: the base class would ask <see cref="GetSpan"/> for the length.</summary>
    public override Memory<byte> Memory => CreateMemory(Length);

    public override Span<byte> GetSpan()
    {
        if (_copy is null)
        {
            var copy = ArrayPool<byte>.Shared.Rent(Math.Max(1, Length));
            CopyTo(copy);
            _copy = copy;
        }

        return _copy.AsSpan(0, Length);
    }

    public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException("file records cannot be pinned");

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing || Interlocked.Decrement(ref _references) != 0)
        {
            return;
        }

        if (_copy is { } copy)
        {
            _copy = null;
            ArrayPool<byte>.Shared.Return(copy);
        }

        ReleaseFile();
    }
}

using System.Buffers;

namespace Fjord.Tiering;

/// <summary>
/// Whole record batches read from the remote tier, in a pooled buffer the caller must dispose
/// once the bytes are written to the response. Empty when the fetch offset is past the remote range
/// or the first batch does not fit and at least one batch was not required.
/// </summary>
public sealed class RemoteReadResult : IDisposable
{
    private byte[]? _buffer;
    private readonly int _length;

    private RemoteReadResult(byte[]? buffer, int length)
    {
        _buffer = buffer;
        _length = length;
    }

    /// <summary>A result with no records (nothing to return to the pool).</summary>
    public static RemoteReadResult Empty => new(null, 0);

    /// <summary>The batches, valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Records =>
        _buffer is { } buffer ? buffer.AsMemory(0, _length) : _length == 0 ? ReadOnlyMemory<byte>.Empty : throw new ObjectDisposedException(nameof(RemoteReadResult));

    public int Length => _length;

    public bool IsEmpty => _length == 0;

    /// <summary>Takes ownership of an array rented from <see cref="ArrayPool{T}.Shared"/>.</summary>
    internal static RemoteReadResult FromPooled(byte[] buffer, int length) => length == 0 ? ReturnAndEmpty(buffer) : new(buffer, length);

    private static RemoteReadResult ReturnAndEmpty(byte[] buffer)
    {
        ArrayPool<byte>.Shared.Return(buffer);
        return Empty;
    }

    /// <summary>
    /// Hands the batches' pooled array (from <see cref="ArrayPool{T}.Shared"/>) to the caller, who
    /// returns it once written, so a response carries them without a copy. Disposing afterwards is a no-op.
    /// </summary>
    public ReadOnlyMemory<byte> DetachRecords()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        return buffer is null ? ReadOnlyMemory<byte>.Empty : buffer.AsMemory(0, _length);
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
            ArrayPool<byte>.Shared.Return(buffer);
    }
}

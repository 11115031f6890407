using System.Buffers;

namespace Fjord.Log.Compression;

/// <summary>
/// A growable write buffer rented from <see cref="ArrayPool{T}.Shared"/>, usable both as an
/// <see cref="IBufferWriter{T}"/> (block codecs write straight into it) and as a write-only
/// <see cref="Stream"/> (gzip and zstd stream into it). The recompression path keeps one per batch
/// instead of a MemoryStream that would reallocate and copy on every growth without pooling.
/// </summary>
public sealed class PooledBufferStream : Stream, IBufferWriter<byte>
{
    private readonly int _maxLength;
    private byte[] _buffer;
    private int _written;

    /// <param name="initialCapacity">Bytes rented up front.</param>
    /// <param name="maxLength">The most this buffer may hold: a write past it throws instead of growing.</param>
    public PooledBufferStream(int initialCapacity = 4096, int maxLength = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);
        _maxLength = Math.Min(maxLength, Array.MaxLength);
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Clamp(initialCapacity, 256, Math.Max(256, _maxLength)));
    }

    public int WrittenCount => _written;

    public Span<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public Memory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _written;

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    /// <summary>Forgets the written bytes and keeps the rented array, so one buffer serves batch after batch.</summary>
    public void Reset() => _written = 0;

    public void Advance(int count)
    {
        if (count < 0 || count > _buffer.Length - _written)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureFree(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureFree(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        EnsureFree(buffer.Length);
        buffer.CopyTo(_buffer.AsSpan(_written));
        _written += buffer.Length;
    }

    public override void WriteByte(byte value)
    {
        EnsureFree(1);
        _buffer[_written++] = value;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _written = 0;
        }

        base.Dispose(disposing);
    }

    private void EnsureFree(int sizeHint)
    {
        var needed = (long)_written + Math.Max(sizeHint, 1);
        if (needed <= _buffer.Length)
        {
            return;
        }

        // A batch that inflates past the limit is a decompression bomb, not data: refuse it before allocating.
        if (needed > _maxLength)
        {
            throw new InvalidDataException($"decompressed records would exceed the limit of {_maxLength} bytes");
        }

        var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min(_maxLength, Math.Max(needed, (long)_buffer.Length * 2)));
        _buffer.AsSpan(0, _written).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = grown;
    }
}

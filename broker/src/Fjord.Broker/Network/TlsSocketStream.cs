using System.Net.Sockets;

namespace Fjord.Broker.Network;

/// <summary>
/// The socket under a TLS connection's SslStream, in bigger pieces. SslStream reads its inner stream about one TLS
/// record (16 KiB) at a time and writes every record with its own inner write, so without this a 1 MiB produce
/// request costs some 64 receive calls and a 1 MiB fetch response some 64 send calls, where a plaintext connection
/// makes one or a few. Reads are served from a 64 KiB read-ahead; once <see cref="CoalesceWrites"/> is on (after the
/// handshake, whose messages must go out as SslStream writes them), writes gather in a 64 KiB buffer that goes out
/// when full and on every flush, and <see cref="StreamTransport"/> flushes at the end of every response.
/// Buffers are plain arrays, not pooled: an abort may dispose the stream while a read or write is still using them.
/// </summary>
internal sealed class TlsSocketStream(Socket socket) : Stream
{
    private const int ReadAheadBytes = 64 * 1024;
    private const int WriteBufferBytes = 64 * 1024;

    private readonly NetworkStream _inner = new(socket, ownsSocket: true);
    private readonly byte[] _readBuffer = new byte[ReadAheadBytes];
    private readonly byte[] _writeBuffer = new byte[WriteBufferBytes];
    // SslStream writes from one caller at a time, but a write it makes on its own (an alert) must not interleave.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private int _readStart;
    private int _readEnd;
    private int _written;
    private volatile bool _coalesceWrites;

    /// <summary>Gather writes until a flush; off until the handshake is done.</summary>
    public bool CoalesceWrites
    {
        get => _coalesceWrites;
        set => _coalesceWrites = value;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_readStart == _readEnd)
        {
            // A read as large as the read-ahead gains nothing from it.
            if (buffer.Length >= ReadAheadBytes) return await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            var read = await _inner.ReadAsync(_readBuffer, cancellationToken).ConfigureAwait(false);
            if (read == 0) return 0;
            (_readStart, _readEnd) = (0, read);
        }
        return TakeBuffered(buffer.Span);
    }

    public override int Read(Span<byte> buffer)
    {
        if (_readStart == _readEnd)
        {
            var read = _inner.Read(_readBuffer);
            if (read == 0) return 0;
            (_readStart, _readEnd) = (0, read);
        }
        return TakeBuffered(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    private int TakeBuffered(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, _readEnd - _readStart);
        _readBuffer.AsSpan(_readStart, count).CopyTo(destination);
        _readStart += count;
        return count;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_coalesceWrites && _written + buffer.Length <= _writeBuffer.Length)
            {
                buffer.CopyTo(_writeBuffer.AsMemory(_written));
                _written += buffer.Length;
                return;
            }
            await SendBufferedAsync(cancellationToken).ConfigureAwait(false);
            if (_coalesceWrites && buffer.Length < _writeBuffer.Length)
            {
                buffer.CopyTo(_writeBuffer);
                _written = buffer.Length;
                return;
            }
            await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _writeLock.Wait();
        try
        {
            if (_written > 0)
            {
                _inner.Write(_writeBuffer.AsSpan(0, _written));
                _written = 0;
            }
            _inner.Write(buffer);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SendBufferedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public override void Flush()
    {
        _writeLock.Wait();
        try
        {
            if (_written == 0) return;
            _inner.Write(_writeBuffer.AsSpan(0, _written));
            _written = 0;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async ValueTask SendBufferedAsync(CancellationToken ct)
    {
        if (_written == 0) return;
        var count = _written;
        _written = 0;
        await _inner.WriteAsync(_writeBuffer.AsMemory(0, count), ct).ConfigureAwait(false);
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        // Unsent bytes of a connection being closed are dropped, as the socket's own buffer would be on an abort.
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}

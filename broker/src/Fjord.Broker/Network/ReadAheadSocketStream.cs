using System.Buffers;
using System.Net.Sockets;

namespace Fjord.Broker.Network;

/// <summary>
/// The socket under a TLS stream, read in large chunks. SslStream asks its inner stream for about one TLS record
/// (16 KiB) at a time; straight on the socket each of those is a receive call and, whenever it finds the socket
/// empty, a trip through the thread pool — for a 1 MiB produce request, dozens of them, which cost the broker more
/// CPU than the decryption itself. Taking whatever the kernel holds in one call serves the next records from memory.
/// The chunk is rented only while it holds bytes, so an idle connection holds none: with nothing buffered it waits
/// for data with a zero-byte receive and only then takes a buffer.
/// </summary>
internal sealed class ReadAheadSocketStream : Stream
{
    /// <summary>What one receive may take: a loopback or LAN burst of several TLS records, not a whole large request.</summary>
    internal const int ReadAheadBytes = 256 * 1024;

    /// <summary>
    /// Plaintext bytes a TLS stream above may hold undecrypted when it asks for more: a partial record (at most
    /// 16 KiB of data plus its header and tag), with room to spare. The bytes still to come on the socket are at
    /// least the plaintext still owed minus this.
    /// </summary>
    internal const int TlsBufferedMargin = 32 * 1024;

    private readonly Socket _socket;
    private readonly ReceiveLowWater _lowWater;
    private byte[]? _buffer;
    private int _start;
    private int _end;
    private int _disposed;

    public ReadAheadSocketStream(Socket socket)
    {
        _socket = socket;
        _lowWater = new ReceiveLowWater(socket);
        // Non-blocking, so a receive that finds nothing says so at once instead of waiting on a pool thread.
        _socket.Blocking = false;
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

    /// <summary>Bytes received from the socket and not yet handed to the TLS stream: they no longer count as owed by the socket.</summary>
    private int Buffered => _end - _start;

    /// <summary>The TLS stream above still owes its reader <paramref name="plaintextBytes"/> bytes of the frame being read.</summary>
    public void ExpectPlaintext(int plaintextBytes) => _lowWater.Expect(plaintextBytes - TlsBufferedMargin - Buffered);

    public override ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (_end > _start) return new ValueTask<int>(TakeBuffered(destination.Span));
        if (destination.IsEmpty) return _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken);
        if (destination.Length >= ReadAheadBytes) return _socket.ReceiveAsync(destination, SocketFlags.None, cancellationToken);
        return ReceiveChunkAsync(destination, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        while (!source.IsEmpty)
        {
            var sent = await _socket.SendAsync(source, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            source = source[sent..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush() { }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
            // A receive in flight fails once the socket is gone; its chunk goes back to the pool on that path, never
            // here, so the pool never hands out an array the kernel may still be writing into.
            _socket.Dispose();
        base.Dispose(disposing);
    }

    private async ValueTask<int> ReceiveChunkAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        while (true)
        {
            var chunk = ArrayPool<byte>.Shared.Rent(ReadAheadBytes);
            int received;
            SocketError error;
            try
            {
                received = _socket.Receive(chunk, 0, chunk.Length, SocketFlags.None, out error);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(chunk);
                throw;
            }

            if (error != SocketError.Success || received == 0)
            {
                ArrayPool<byte>.Shared.Return(chunk);
                if (error == SocketError.Success) return 0;
                if (error != SocketError.WouldBlock) throw new IOException($"receive failed: {error}", new SocketException((int)error));
                // Nothing yet: wait for data without holding a chunk, then take all of it.
                await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                continue;
            }

            _buffer = chunk;
            _start = 0;
            _end = received;
            return TakeBuffered(destination.Span);
        }
    }

    private int TakeBuffered(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, _end - _start);
        _buffer.AsSpan(_start, count).CopyTo(destination);
        _start += count;
        if (_start == _end)
        {
            ArrayPool<byte>.Shared.Return(_buffer!);
            _buffer = null;
            _start = _end = 0;
        }
        return count;
    }
}

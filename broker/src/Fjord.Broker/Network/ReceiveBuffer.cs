using System.Buffers;

namespace Fjord.Broker.Network;

/// <summary>
/// The bytes a connection has received and not yet handled. It grows only as bytes arrive (doubling, never
/// past the frame being read), so a client that declares a 100 MiB request and trickles it costs about what
/// it has sent, not what it promised — unless the connection has already completed a request at least that
/// large: then it grows to the frame at once, as a producer sending one large request after another must not
/// pay a chain of doublings and copies per request. Once a large request is handled the big array goes back
/// to the pool and an idle connection holds only the small initial one.
/// </summary>
internal sealed class ReceiveBuffer : IDisposable
{
    /// <summary>
    /// The first growth jumps to this, so a 1 MiB produce is copied a handful of times while it arrives,
    /// not once per doubling from the small initial size.
    /// </summary>
    internal const int FirstGrowthBytes = 64 * 1024;

    private readonly int _initialBytes;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private int _capacity;
    private int _largestHandled;

    public ReceiveBuffer(int initialBytes)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(initialBytes);
        _initialBytes = _buffer.Length;
        _capacity = _buffer.Length;
    }

    /// <summary>Bytes of memory held; read by the server's gauge from other threads.</summary>
    public int Capacity => Volatile.Read(ref _capacity);

    public int Buffered => _end - _start;

    /// <summary>The buffered bytes from the read position; valid until the next fill or consume.</summary>
    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(_start, _end - _start);

    /// <summary>Receives until <paramref name="count"/> bytes are buffered; false when the peer closed first.</summary>
    public async ValueTask<bool> FillAsync(int count, IConnectionTransport transport, CancellationToken ct)
    {
        while (_end - _start < count)
        {
            if (_end == _buffer.Length) MakeRoom(count);
            transport.ExpectBytes(count - (_end - _start));
            var read = await transport.ReceiveAsync(_buffer.AsMemory(_end), ct);
            if (read == 0) return false;
            _end += read;
        }
        return true;
    }

    public void Consume(int count)
    {
        _largestHandled = Math.Max(_largestHandled, count);
        _start += count;
        if (_start == _end) _start = _end = 0;
        if (_buffer.Length > _initialBytes && _end - _start <= _initialBytes) Replace(_initialBytes);
    }

    private void MakeRoom(int count)
    {
        var pending = _end - _start;
        if (_start > 0)
        {
            _buffer.AsSpan(_start, pending).CopyTo(_buffer);
            _start = 0;
            _end = pending;
            if (_end < _buffer.Length) return;
        }
        // Full of one frame's bytes (count > pending): double, but not past what the frame needs; at once to
        // the frame when this connection has completed one as large before.
        var size = count <= _largestHandled ? count : Math.Min(count, Math.Max(FirstGrowthBytes, (int)Math.Min(Array.MaxLength, 2L * _buffer.Length)));
        Replace(size);
    }

    private void Replace(int size)
    {
        var pending = _end - _start;
        var replacement = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(_start, pending).CopyTo(replacement);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = replacement;
        _start = 0;
        _end = pending;
        Volatile.Write(ref _capacity, replacement.Length);
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        Volatile.Write(ref _capacity, 0);
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }
}

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

    /// <summary>
    /// Moves the bytes past the first <paramref name="keep"/> buffered ones (the start of the next request) into the empty
    /// <paramref name="next"/>, leaving this buffer holding exactly the request being handled, in place.
    /// </summary>
    public void MoveTail(int keep, ReceiveBuffer next)
    {
        if (next.Buffered != 0) throw new InvalidOperationException("the buffer taking the next request is not empty");
        var tail = _end - _start - keep;
        if (tail <= 0) return;
        next.Append(_buffer.AsSpan(_start + keep, tail));
        _end -= tail;
    }

    /// <summary>Gives the (empty) buffer's array back to the pool; the next fill rents one as large as it needs.</summary>
    public void Trim()
    {
        if (_end != _start || _buffer.Length == 0) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _start = _end = 0;
        Volatile.Write(ref _capacity, 0);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_buffer.Length - _end < bytes.Length) Replace(Math.Max(bytes.Length, _buffer.Length));
        bytes.CopyTo(_buffer.AsSpan(_end));
        _end += bytes.Length;
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
        // A trimmed buffer starts again from at least its initial size, so a header and a small request arrive in one receive.
        Replace(Math.Max(size, _initialBytes));
    }

    private void Replace(int size)
    {
        var pending = _end - _start;
        var replacement = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(_start, pending).CopyTo(replacement);
        if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
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

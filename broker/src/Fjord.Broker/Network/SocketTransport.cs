using System.Net;
using System.Net.Sockets;
using Fjord.Protocol;

namespace Fjord.Broker.Network;

/// <summary>
/// A plain TCP connection. File regions go out with <see cref="Socket.SendPacketsAsync"/>, which on Linux
/// is the kernel's sendfile(2) on the socket's async context: page cache to socket, no copy through the heap.
/// .NET accepts only a FileStream opened with <see cref="FileOptions.Asynchronous"/> there; any other is
/// copied through a pooled buffer instead, so a segment reader should open its files asynchronous.
/// </summary>
public sealed class SocketTransport(Socket socket) : IConnectionTransport
{
    private static long _totalZeroCopyBytes;
    private readonly List<SendPacketsElement> _elements = [];
    private SocketAsyncEventArgs? _frameArgs;
    private TaskCompletionSource? _frameSent;
    private long _frameLength;
    private readonly ReceiveLowWater _lowWater = new(socket);
    private int _closed;

    /// <summary>File bytes every socket transport of this process handed to sendfile.</summary>
    internal static long TotalZeroCopyBytes => Interlocked.Read(ref _totalZeroCopyBytes);

    public EndPoint? RemoteEndPoint { get; } = socket.RemoteEndPoint;

    /// <summary>File bytes handed to the kernel's sendfile rather than copied: tells tests which path ran.</summary>
    internal long ZeroCopyBytes { get; private set; }

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken ct) =>
        socket.ReceiveAsync(buffer, SocketFlags.None, ct);

    // Nothing sits between the socket and the caller's buffer, so the bytes still owed are exactly the socket's.
    public void ExpectBytes(int bytes) => _lowWater.Expect(bytes);

    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        while (!data.IsEmpty)
        {
            var sent = await socket.SendAsync(data, SocketFlags.None, ct);
            data = data[sent..];
        }
    }

    public async ValueTask SendFileAsync(FileStream file, long offset, int count, CancellationToken ct)
    {
        FileRegion.Validate(file, offset, count);
        // SendPacketsElement reads a count of 0 as "to the end of the file".
        if (count == 0) return;
        if (!file.IsAsync)
        {
            await FileRegion.CopyAsync(file, offset, count, SendAsync, ct);
            return;
        }

        await SendPacketsAsync([new SendPacketsElement(file, offset, count)], count, ct);
        ZeroCopyBytes += count;
        Interlocked.Add(ref _totalZeroCopyBytes, count);
    }

    /// <summary>
    /// One SendPacketsAsync for the whole frame: its byte parts and its file regions (sendfile) go to the
    /// kernel in order as one operation, on event args this connection reuses (it sends one frame at a time).
    /// </summary>
    public async ValueTask SendFrameAsync(ResponseBuffer frame, CancellationToken ct)
    {
        if (frame.SpliceCount == 0)
        {
            await SendAsync(frame.WrittenMemory, ct);
            return;
        }
        _elements.Clear();
        long fileBytes = 0;
        foreach (var (bytes, records) in frame.Parts)
        {
            if (records is null)
            {
                _elements.Add(new SendPacketsElement(bytes));
            }
            else if (records.Length > 0)
            {
                // SendPacketsElement reads a count of 0 as "to the end of the file", hence the guard.
                _elements.Add(new SendPacketsElement(records.File, records.FilePosition, records.Length));
                fileBytes += records.Length;
            }
        }
        await SendPacketsAsync([.. _elements], frame.Length, ct);
        ZeroCopyBytes += fileBytes;
        Interlocked.Add(ref _totalZeroCopyBytes, fileBytes);
    }

    /// <summary>One SendPacketsAsync on the event args this connection reuses (it sends one thing at a time).</summary>
    private async ValueTask SendPacketsAsync(SendPacketsElement[] elements, long length, CancellationToken ct)
    {
        var args = _frameArgs ??= NewFrameArgs();
        args.SendPacketsElements = elements;
        _frameLength = length;
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _frameSent = sent;
        // The event-args API takes no token: cancelling closes the socket, which fails the send.
        await using (ct.Register(Abort))
        {
            if (!socket.SendPacketsAsync(args)) CompleteFrame(args);
            await sent.Task;
        }
        ct.ThrowIfCancellationRequested();
    }

    private SocketAsyncEventArgs NewFrameArgs()
    {
        var args = new SocketAsyncEventArgs();
        args.Completed += (_, e) => CompleteFrame(e);
        return args;
    }

    private void CompleteFrame(SocketAsyncEventArgs e)
    {
        var sent = _frameSent!;
        e.SendPacketsElements = null;
        if (e.SocketError != SocketError.Success)
            sent.TrySetException(new SocketException((int)e.SocketError));
        else if (e.BytesTransferred != _frameLength)
            sent.TrySetException(new IOException($"sent {e.BytesTransferred} of {_frameLength} bytes"));
        else
            sent.TrySetResult();
    }

    public void Abort()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        try { socket.Close(0); } catch (ObjectDisposedException) { }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            // A FIN after the last response, so a client reads every byte before it sees the close.
            try { socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
            socket.Dispose();
            _frameArgs?.Dispose();
        }
        return ValueTask.CompletedTask;
    }
}

using System.Net.Sockets;

namespace Fjord.Broker.Network;

/// <summary>
/// Sends a region of a file to a socket with the kernel's sendfile, asynchronously: .NET's
/// SendPacketsAsync does that on Linux for a file element (an asynchronous FileStream), so the
/// bytes go from the page cache to the socket without entering managed memory. One reusable
/// event-args object per connection.
/// </summary>
internal sealed class SendFileOperation : IDisposable
{
    private readonly SocketAsyncEventArgs _args = new();
    private readonly SendPacketsElement[] _elements = new SendPacketsElement[1];
    private TaskCompletionSource<SocketError>? _pending;

    public SendFileOperation()
    {
        _args.Completed += (_, e) => _pending?.TrySetResult(e.SocketError);
    }

    public async ValueTask SendAsync(Socket socket, FileStream file, long position, int count, CancellationToken ct)
    {
        if (count == 0) return;
        _elements[0] = new SendPacketsElement(file, position, count);
        _args.SendPacketsElements = _elements;
        var pending = new TaskCompletionSource<SocketError>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending = pending;
        var error = socket.SendPacketsAsync(_args) ? await pending.Task.WaitAsync(ct) : _args.SocketError;
        _elements[0] = null!;
        if (error != SocketError.Success) throw new SocketException((int)error);
    }

    public void Dispose() => _args.Dispose();
}

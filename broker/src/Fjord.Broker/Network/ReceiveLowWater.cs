using System.Net.Sockets;

namespace Fjord.Broker.Network;

/// <summary>
/// SO_RCVLOWAT for a connection that is in the middle of a large request: the kernel wakes the reader only once
/// that many bytes are queued, not for every segment. A client that sends a 1 MiB produce request as TLS records
/// (librdkafka writes them one by one) otherwise wakes the broker dozens of times per request — a receive, an epoll
/// wake-up and a thread-pool hop each, which cost more CPU than the decryption. The mark never exceeds the bytes the
/// client still owes for the frame being read, so a reader can never wait for bytes that will not come; between
/// frames it is back to one byte, so an idle connection and the next request header wake it at once.
/// </summary>
internal sealed class ReceiveLowWater(Socket socket)
{
    /// <summary>Above this, waking once per chunk costs little; it also stays well inside the socket's receive buffer.</summary>
    internal const int MaxMark = 256 * 1024;

    /// <summary>Below this, waiting buys nothing worth a setsockopt call.</summary>
    internal const int MinMark = 32 * 1024;

    // Marks change in steps of this, so the tail of a request does not cost a setsockopt per receive.
    private const int Step = 16 * 1024;

    private int _mark = 1;
    private bool _unsupported;

    /// <summary>The mark in force (1: wake on any byte).</summary>
    internal int Mark => _mark;

    /// <summary>
    /// The client still owes at least <paramref name="bytes"/> bytes on this socket for the frame being read
    /// (bytes already received into user-space buffers excluded): wake the reader when about that many are queued.
    /// </summary>
    public void Expect(int bytes)
    {
        var mark = bytes >= MaxMark ? MaxMark : bytes < MinMark ? 1 : bytes / Step * Step;
        if (mark == _mark || _unsupported) return;
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReceiveLowWater, mark);
            _mark = mark;
        }
        catch (SocketException)
        {
            // A platform without SO_RCVLOWAT on TCP: every segment wakes the reader, which is slower, not wrong.
            _unsupported = true;
        }
        catch (ObjectDisposedException)
        {
            // Closed meanwhile: the next receive ends the connection.
        }
    }
}

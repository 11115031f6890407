using System.Net.Sockets;

namespace Fjord.Broker.Network;

/// <summary>Sorts accept failures into <see cref="AcceptErrorKind"/>.</summary>
internal static class AcceptErrors
{
    /// <summary>
    /// Linux's ENOMEM. .NET has no SocketError for it (it maps to the generic SocketError), so it is only
    /// recognisable where the runtime keeps the errno as the native code.
    /// </summary>
    private const int LinuxEnomem = 12;

    public static AcceptErrorKind Classify(Exception exception) => exception switch
    {
        OperationCanceledException or ObjectDisposedException => AcceptErrorKind.Fatal,
        SocketException e => Classify(e.SocketErrorCode, e.NativeErrorCode),
        // Not a socket error at all: nothing says the listener still works.
        _ => AcceptErrorKind.Fatal,
    };

    public static AcceptErrorKind Classify(SocketError error, int nativeErrorCode) => error switch
    {
        // EBADF/ECANCELED (listener closed under a pending accept), EINVAL (not listening), ENOTSOCK.
        SocketError.OperationAborted or SocketError.InvalidArgument or SocketError.NotSocket or SocketError.Shutdown
            => AcceptErrorKind.Fatal,
        // EMFILE and ENFILE are both TooManyOpenSockets; ENOBUFS is NoBufferSpaceAvailable.
        SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable => AcceptErrorKind.ResourcePressure,
        SocketError.SocketError when nativeErrorCode == LinuxEnomem && OperatingSystem.IsLinux() => AcceptErrorKind.ResourcePressure,
        // ECONNABORTED, ECONNRESET, EINTR, and the network errors Linux's accept(2) passes on from the new
        // connection (ENETDOWN, EPROTO, EHOSTUNREACH, ...): the man page says to retry as for EAGAIN.
        _ => AcceptErrorKind.Transient,
    };
}

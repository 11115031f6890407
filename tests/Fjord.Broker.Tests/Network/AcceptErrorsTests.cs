using System.Net.Sockets;
using Fjord.Broker.Network;

namespace Fjord.Broker.Tests.Network;

public sealed class AcceptErrorsTests
{
    [Theory]
    [InlineData(SocketError.OperationAborted, AcceptErrorKind.Fatal)]
    [InlineData(SocketError.InvalidArgument, AcceptErrorKind.Fatal)]
    [InlineData(SocketError.NotSocket, AcceptErrorKind.Fatal)]
    [InlineData(SocketError.TooManyOpenSockets, AcceptErrorKind.ResourcePressure)]
    [InlineData(SocketError.NoBufferSpaceAvailable, AcceptErrorKind.ResourcePressure)]
    [InlineData(SocketError.ConnectionAborted, AcceptErrorKind.Transient)]
    [InlineData(SocketError.ConnectionReset, AcceptErrorKind.Transient)]
    [InlineData(SocketError.Interrupted, AcceptErrorKind.Transient)]
    [InlineData(SocketError.NetworkDown, AcceptErrorKind.Transient)]
    [InlineData(SocketError.HostUnreachable, AcceptErrorKind.Transient)]
    internal void SocketErrorsAreSortedIntoFatalPressureAndTransient(SocketError error, AcceptErrorKind expected) =>
        Assert.Equal(expected, AcceptErrors.Classify(new SocketException((int)error)));

    [Fact]
    public void EnomemIsResourcePressureOnLinux()
    {
        if (!OperatingSystem.IsLinux()) return;
        Assert.Equal(AcceptErrorKind.ResourcePressure, AcceptErrors.Classify(SocketError.SocketError, nativeErrorCode: 12));
    }

    [Fact]
    public void ADisposedOrCancelledListenerIsFatal()
    {
        Assert.Equal(AcceptErrorKind.Fatal, AcceptErrors.Classify(new ObjectDisposedException("listener")));
        Assert.Equal(AcceptErrorKind.Fatal, AcceptErrors.Classify(new OperationCanceledException()));
    }

    [Fact]
    public void BackoffDoublesFrom100MsTo1SAndStartsOverAfterAnAccept()
    {
        var backoff = new AcceptBackoff();
        var delays = Enumerable.Range(0, 6).Select(_ => (int)backoff.NextDelay().TotalMilliseconds).ToArray();

        Assert.Equal([100, 200, 400, 800, 1000, 1000], delays);
        Assert.True(backoff.InEpisode);
        Assert.Equal(6, backoff.Failures);
        backoff.Reset();
        Assert.False(backoff.InEpisode);
        Assert.Equal(100, (int)backoff.NextDelay().TotalMilliseconds);
    }
}

using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Fjord.Protocol;

namespace Fjord.Testing;

/// <summary>
/// A loopback proxy in front of one broker that speaks Kafka framing (a 4-byte big-endian size, then
/// the request header: api key, api version, correlation id), so it can lose a response on purpose:
/// when armed for an api key it reads the broker's whole response to such a request and, instead of
/// forwarding it, resets both the client's and the broker's socket of that connection. That is
/// exactly "the broker wrote, the client never read": the request took effect and the client can only
/// retry it on a new connection, which is what an idempotent producer must survive without
/// duplicating or losing a record.
/// </summary>
/// <remarks>
/// Start it before the broker and advertise its port (advertised.listeners), so every connection a
/// client opens after bootstrap goes through it too; <see cref="ConnectTo"/> then names the broker's
/// port once the OS gave the broker one. Connections that arrive before that wait for it.
/// </remarks>
public sealed class KafkaResponseDropProxy : IAsyncDisposable
{
    /// <summary>size (4) + api key (2) + api version (2) + correlation id (4).</summary>
    private const int RequestPrefix = 12;

    /// <summary>size (4) + correlation id (4).</summary>
    private const int ResponsePrefix = 8;

    private readonly TcpListener _listener;
    private readonly TaskCompletionSource<IPEndPoint> _target = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<long, Connection> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _armLock = new();
    private readonly Task _acceptLoop;
    private long _nextConnectionId;
    private long _accepted;
    private long _dropped;
    private long _forwarded;

    // What is armed, under _armLock: the api key, how many of its responses to drop outright, and every how many to drop.
    private ApiKey? _armedKey;
    private int _dropNext;
    private int _dropEvery;
    private long _seenOfArmedKey;

    private KafkaResponseDropProxy()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(512);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The loopback port clients connect to (and the broker advertises).</summary>
    public int Port { get; }

    public string BootstrapServers => $"127.0.0.1:{Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>Client connections accepted and forwarded so far.</summary>
    public long AcceptedConnections => Interlocked.Read(ref _accepted);

    /// <summary>Responses read from the broker and thrown away (each one cost its connection).</summary>
    public long DroppedResponses => Interlocked.Read(ref _dropped);

    /// <summary>Responses forwarded to clients so far, of every api.</summary>
    public long ForwardedResponses => Interlocked.Read(ref _forwarded);

    /// <summary>Connections currently forwarded.</summary>
    public int OpenConnections => _connections.Count;

    /// <summary>A proxy on a free loopback port that forwards to nothing until <see cref="ConnectTo"/>.</summary>
    public static KafkaResponseDropProxy Start() => new();

    /// <summary>A proxy on a free loopback port in front of the broker at <paramref name="brokerPort"/> on loopback.</summary>
    public static KafkaResponseDropProxy Start(int brokerPort)
    {
        var proxy = new KafkaResponseDropProxy();
        proxy.ConnectTo(brokerPort);
        return proxy;
    }

    /// <summary>Names the broker's port; connections already waiting are forwarded to it. Once only.</summary>
    public void ConnectTo(int brokerPort)
    {
        if (!_target.TrySetResult(new IPEndPoint(IPAddress.Loopback, brokerPort)))
            throw new InvalidOperationException("the proxy already forwards to a broker");
    }

    /// <summary>Drops the next <paramref name="count"/> responses to <paramref name="apiKey"/> requests (and disarms any other drop).</summary>
    public void DropNextResponses(ApiKey apiKey, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (_armLock)
        {
            _armedKey = apiKey;
            _dropNext = count;
            _dropEvery = 0;
            _seenOfArmedKey = 0;
        }
    }

    /// <summary>
    /// Drops every <paramref name="n"/>th response to <paramref name="apiKey"/> requests, counted over all
    /// connections from now on, until <see cref="Disarm"/>.
    /// </summary>
    public void DropEveryNthResponse(ApiKey apiKey, int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 2);
        lock (_armLock)
        {
            _armedKey = apiKey;
            _dropNext = 0;
            _dropEvery = n;
            _seenOfArmedKey = 0;
        }
    }

    /// <summary>Forwards every response from now on.</summary>
    public void Disarm()
    {
        lock (_armLock)
        {
            _armedKey = null;
            _dropNext = 0;
            _dropEvery = 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
            return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        foreach (var connection in _connections.Values)
            connection.Reset();
        _stopping.Dispose();
    }

    /// <summary>Whether the response to a request of <paramref name="apiKey"/> is to be lost.</summary>
    private bool ShouldDrop(ApiKey apiKey)
    {
        lock (_armLock)
        {
            if (_armedKey != apiKey)
                return false;
            if (_dropNext > 0)
            {
                _dropNext--;
                if (_dropNext == 0)
                    _armedKey = null;
                return true;
            }

            return _dropEvery > 0 && ++_seenOfArmedKey % _dropEvery == 0;
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stopping.IsCancellationRequested)
                    return;
                continue;
            }

            _ = Task.Run(() => ForwardAsync(client));
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        client.NoDelay = true;
        var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            var target = await _target.Task.WaitAsync(_stopping.Token).ConfigureAwait(false);
            await upstream.ConnectAsync(target, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            ResetSocket(upstream);
            ResetSocket(client);
            return;
        }

        var id = Interlocked.Increment(ref _nextConnectionId);
        var connection = new Connection(client, upstream);
        _connections[id] = connection;
        Interlocked.Increment(ref _accepted);
        try
        {
            await Task.WhenAll(PumpRequestsAsync(connection), PumpResponsesAsync(connection)).ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(id, out _);
            connection.Dispose();
        }
    }

    /// <summary>Client to broker, frame by frame, noting each request's api key by its correlation id.</summary>
    private static async Task PumpRequestsAsync(Connection connection)
    {
        try
        {
            while (true)
            {
                using var frame = await ReadFrameAsync(connection.Client, RequestPrefix).ConfigureAwait(false);
                if (frame is null)
                {
                    // Half-close: responses to what was sent may still be on their way.
                    connection.Upstream.Shutdown(SocketShutdown.Send);
                    return;
                }

                var header = frame.Memory.Span;
                var apiKey = (ApiKey)BinaryPrimitives.ReadInt16BigEndian(header[4..]);
                var correlationId = BinaryPrimitives.ReadInt32BigEndian(header[8..]);
                // Registered before the request leaves, so its response can never arrive first.
                connection.InFlight[correlationId] = apiKey;
                await SendAsync(connection.Upstream, frame.Memory).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or InvalidDataException)
        {
            connection.Reset();
        }
    }

    /// <summary>Broker to client, frame by frame; an armed response is read whole and then both sockets are reset.</summary>
    private async Task PumpResponsesAsync(Connection connection)
    {
        try
        {
            while (true)
            {
                using var frame = await ReadFrameAsync(connection.Upstream, ResponsePrefix).ConfigureAwait(false);
                if (frame is null)
                {
                    connection.Client.Shutdown(SocketShutdown.Send);
                    return;
                }

                var correlationId = BinaryPrimitives.ReadInt32BigEndian(frame.Memory.Span[4..]);
                if (connection.InFlight.TryRemove(correlationId, out var apiKey) && ShouldDrop(apiKey))
                {
                    Interlocked.Increment(ref _dropped);
                    connection.Reset();
                    return;
                }

                await SendAsync(connection.Client, frame.Memory).ConfigureAwait(false);
                Interlocked.Increment(ref _forwarded);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or InvalidDataException)
        {
            connection.Reset();
        }
    }

    /// <summary>
    /// One whole frame, size prefix included, in a pooled buffer; null at a clean end of stream before
    /// its first byte. A frame shorter than the header it must carry is not Kafka: the connection is cut.
    /// </summary>
    private static async Task<Frame?> ReadFrameAsync(Socket socket, int minimumLength)
    {
        var prefix = new byte[4];
        if (!await ReadExactlyAsync(socket, prefix, endOfStreamAllowed: true).ConfigureAwait(false))
            return null;
        var size = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (size < minimumLength - 4)
            throw new InvalidDataException($"a Kafka frame of {size} bytes");
        var frame = new Frame(4 + size);
        try
        {
            prefix.CopyTo(frame.Memory);
            await ReadExactlyAsync(socket, frame.Memory[4..], endOfStreamAllowed: false).ConfigureAwait(false);
            return frame;
        }
        catch
        {
            frame.Dispose();
            throw;
        }
    }

    private static async Task<bool> ReadExactlyAsync(Socket socket, Memory<byte> buffer, bool endOfStreamAllowed)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer[read..], SocketFlags.None).ConfigureAwait(false);
            if (n == 0)
            {
                if (read == 0 && endOfStreamAllowed)
                    return false;
                throw new IOException("the connection ended inside a frame");
            }

            read += n;
        }

        return true;
    }

    private static async Task SendAsync(Socket socket, ReadOnlyMemory<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await socket.SendAsync(bytes, SocketFlags.None).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
    }

    /// <summary>Closes with SO_LINGER 0, so the peer gets a reset (ECONNRESET), not an orderly end of stream.</summary>
    private static void ResetSocket(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }

        socket.Dispose();
    }

    private sealed class Frame(int length) : IDisposable
    {
        private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(length);

        public Memory<byte> Memory => (_buffer ?? throw new ObjectDisposedException(nameof(Frame))).AsMemory(0, length);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
                ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private sealed class Connection(Socket client, Socket upstream) : IDisposable
    {
        public Socket Client { get; } = client;

        public Socket Upstream { get; } = upstream;

        /// <summary>The api key of every request still waiting for its response, by correlation id.</summary>
        public ConcurrentDictionary<int, ApiKey> InFlight { get; } = new();

        public void Reset()
        {
            ResetSocket(Client);
            ResetSocket(Upstream);
        }

        public void Dispose()
        {
            Client.Dispose();
            Upstream.Dispose();
        }
    }
}

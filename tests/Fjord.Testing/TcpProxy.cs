using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Fjord.Testing;

/// <summary>
/// A loopback TCP forwarder in front of one server, so a test can cut one client process off from
/// it (a broker from Table storage) while everything else still reaches it. <see cref="Block"/>
/// resets every open connection and answers new ones with an immediate reset: a refused or reset
/// connection makes the Azure SDK fail within its few quick retries, where a silent blackhole would
/// hold each request for the SDK's 100 s network timeout and stall the broker's loops far longer
/// than the outage. Optionally counts the HTTP requests passing through (Table storage cost).
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private const int BufferSize = 64 * 1024;
    private const int MaxRequestKinds = 256;

    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly bool _countHttpRequests;
    private readonly ConcurrentDictionary<long, Connection> _connections = new();
    private readonly ConcurrentDictionary<string, long> _requestKinds = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _acceptLoop;
    private long _nextConnectionId;
    private long _httpRequests;
    private long _accepted;
    private long _rejected;
    private volatile bool _blocked;

    private TcpProxy(IPEndPoint target, bool countHttpRequests)
    {
        _target = target;
        _countHttpRequests = countHttpRequests;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(512);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The loopback port clients connect to instead of the target's.</summary>
    public int Port { get; }

    public bool IsBlocked => _blocked;

    /// <summary>HTTP requests forwarded so far (0 unless started with <c>countHttpRequests</c>).</summary>
    public long HttpRequests => Interlocked.Read(ref _httpRequests);

    /// <summary>
    /// HTTP requests so far by kind: method and path, query string dropped ("GET /account/table(PartitionKey='c',RowKey='version')"),
    /// so a test or tool can tell which loop costs what. Kinds past the first few hundred are counted as "other".
    /// </summary>
    public IReadOnlyDictionary<string, long> HttpRequestsByKind => new Dictionary<string, long>(_requestKinds, StringComparer.Ordinal);

    /// <summary>Connections accepted and forwarded so far.</summary>
    public long AcceptedConnections => Interlocked.Read(ref _accepted);

    /// <summary>Connections reset on arrival because the proxy was blocked (or the target was down).</summary>
    public long RejectedConnections => Interlocked.Read(ref _rejected);

    /// <summary>Connections currently forwarded.</summary>
    public int OpenConnections => _connections.Count;

    /// <summary>Starts forwarding from a free loopback port to <paramref name="targetPort"/> on loopback.</summary>
    public static TcpProxy Start(int targetPort, bool countHttpRequests = false) =>
        Start(new IPEndPoint(IPAddress.Loopback, targetPort), countHttpRequests);

    public static TcpProxy Start(IPEndPoint target, bool countHttpRequests = false)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new TcpProxy(target, countHttpRequests);
    }

    /// <summary>Resets every open connection and every new one until <see cref="Unblock"/>.</summary>
    public void Block()
    {
        _blocked = true;
        foreach (var connection in _connections.Values)
            connection.Reset();
    }

    public void Unblock() => _blocked = false;

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

            if (_blocked)
            {
                Reject(client);
                continue;
            }

            _ = Task.Run(() => ForwardAsync(client));
        }
    }

    private void Reject(Socket client)
    {
        Interlocked.Increment(ref _rejected);
        ResetSocket(client);
    }

    private async Task ForwardAsync(Socket client)
    {
        var upstream = new Socket(_target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await upstream.ConnectAsync(_target, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            upstream.Dispose();
            Reject(client);
            return;
        }

        var id = Interlocked.Increment(ref _nextConnectionId);
        var connection = new Connection(client, upstream);
        _connections[id] = connection;
        // Block() may have run between the accept and the registration; it must not miss this one.
        if (_blocked)
        {
            _connections.TryRemove(id, out _);
            connection.Reset();
            Interlocked.Increment(ref _rejected);
            return;
        }

        Interlocked.Increment(ref _accepted);
        var counter = _countHttpRequests ? new HttpRequestCounter(OnHttpRequest) : null;
        try
        {
            await Task.WhenAll(PumpAsync(client, upstream, counter), PumpAsync(upstream, client, null)).ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(id, out _);
            connection.Dispose();
        }
    }

    private void OnHttpRequest(string requestLine)
    {
        Interlocked.Increment(ref _httpRequests);
        var parts = requestLine.Split(' ');
        var path = parts.Length > 1 ? parts[1] : "";
        var query = path.IndexOf('?', StringComparison.Ordinal);
        var kind = $"{parts[0]} {(query < 0 ? path : path[..query])}";
        if (!_requestKinds.ContainsKey(kind) && _requestKinds.Count >= MaxRequestKinds)
            kind = "other";
        _requestKinds.AddOrUpdate(kind, 1, (_, n) => n + 1);
    }

    /// <summary>Copies one direction until its end; an error on either side resets both.</summary>
    private static async Task PumpAsync(Socket from, Socket to, HttpRequestCounter? counter)
    {
        var buffer = new byte[BufferSize];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    // Half-close: the other direction may still have a response on its way.
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                counter?.Feed(buffer.AsSpan(0, read));
                var sent = 0;
                while (sent < read)
                    sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or FormatException)
        {
            ResetSocket(from);
            ResetSocket(to);
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

    private sealed class Connection(Socket client, Socket upstream) : IDisposable
    {
        public void Reset()
        {
            ResetSocket(client);
            ResetSocket(upstream);
        }

        public void Dispose()
        {
            client.Dispose();
            upstream.Dispose();
        }
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Fjord.Broker.Configuration;
using Fjord.Broker.Server;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Network;

/// <summary>
/// Accepts Kafka client connections on every configured listener and runs one
/// <see cref="KafkaConnection"/> per socket. A listener on port 0 gets a port from the OS;
/// <see cref="BoundListeners"/> tells which.
/// </summary>
public sealed partial class KafkaServer : IAsyncDisposable
{
    private readonly RequestDispatcher _dispatcher;
    private readonly int _maxRequestBytes;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly List<(Socket Socket, ListenerEndpoint Endpoint)> _listeners = [];
    private readonly ConcurrentDictionary<long, KafkaConnection> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _acceptLoops = [];
    private long _nextConnectionId;

    public KafkaServer(RequestDispatcher dispatcher, int maxRequestBytes, ILoggerFactory loggerFactory)
    {
        _dispatcher = dispatcher;
        _maxRequestBytes = maxRequestBytes;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<KafkaServer>();
    }

    public IReadOnlyList<ListenerEndpoint> BoundListeners =>
        _listeners.Select(l => l.Endpoint with { Port = ((IPEndPoint)l.Socket.LocalEndPoint!).Port }).ToArray();

    public int ConnectionCount => _connections.Count;

    public void Start(IReadOnlyList<ListenerEndpoint> listeners)
    {
        foreach (var listener in listeners)
        {
            var socket = Bind(listener);
            _listeners.Add((socket, listener));
            _acceptLoops.Add(Task.Run(() => AcceptLoopAsync(socket, listener)));
        }
    }

    /// <summary>
    /// A listener owns its port: binding one that another process (a second broker, anything) listens on
    /// fails the start, naming the listener, instead of sharing the port and half its connections.
    /// </summary>
    private static Socket Bind(ListenerEndpoint listener)
    {
        var address = ResolveBindAddress(listener.Host);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            ClaimPortExclusively(socket);
            if (address.Equals(IPAddress.IPv6Any)) socket.DualMode = true;
            socket.Bind(new IPEndPoint(address, listener.Port));
            socket.Listen(512);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            var why = e.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? "the port is already in use (another broker, or another program, listens there)"
                : e.Message;
            throw new ConfigException($"listener {listener.Name} cannot bind {address}:{listener.Port}: {why}");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// No ReuseAddress option: on Unix .NET turns it into SO_REUSEADDR plus SO_REUSEPORT, and the latter
    /// lets a second process bind the same port and take half the connections. A restart still binds over
    /// the previous process's TIME_WAIT connections, since .NET's Bind sets SO_REUSEADDR alone for every
    /// TCP socket on Unix. On Windows SO_REUSEADDR would let another socket take the port, and a listener
    /// binds over TIME_WAIT without it, so the port is claimed exclusively there.
    /// </summary>
    private static void ClaimPortExclusively(Socket socket)
    {
        if (OperatingSystem.IsWindows())
            socket.ExclusiveAddressUse = true;
    }

    private static IPAddress ResolveBindAddress(string host)
    {
        if (string.IsNullOrEmpty(host) || host == "0.0.0.0") return IPAddress.Any;
        if (host == "::") return IPAddress.IPv6Any;
        if (IPAddress.TryParse(host, out var ip)) return ip;
        return Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
               ?? throw new ConfigException($"listener host {host} does not resolve");
    }

    private async Task AcceptLoopAsync(Socket listenSocket, ListenerEndpoint listener)
    {
        var backoff = TimeSpan.FromMilliseconds(10);
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listenSocket.AcceptAsync(_stopping.Token);
                backoff = TimeSpan.FromMilliseconds(10);
            }
            catch (OperationCanceledException) { break; }
            catch (ObjectDisposedException) { break; }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
            {
                // Resource pressure: back off (capped) instead of spinning on accept.
                LogAcceptPressure(e.SocketErrorCode, backoff.TotalMilliseconds);
                try { await Task.Delay(backoff, _stopping.Token); } catch (OperationCanceledException) { break; }
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 1000));
                continue;
            }
            catch (SocketException e)
            {
                LogAcceptError(e.SocketErrorCode);
                continue;
            }

            client.NoDelay = true;
            var id = Interlocked.Increment(ref _nextConnectionId);
            var connection = new KafkaConnection(id, client, listener, _dispatcher, _maxRequestBytes,
                _loggerFactory.CreateLogger<KafkaConnection>());
            _connections[id] = connection;
            _ = RunConnectionAsync(connection);
        }
    }

    private async Task RunConnectionAsync(KafkaConnection connection)
    {
        try
        {
            await connection.RunAsync(_stopping.Token);
        }
        finally
        {
            _connections.TryRemove(connection.Id, out _);
            connection.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var (socket, _) in _listeners) socket.Dispose();
        await Task.WhenAll(_acceptLoops);
        foreach (var connection in _connections.Values) connection.Abort();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!_connections.IsEmpty && DateTime.UtcNow < deadline) await Task.Delay(10);
        _stopping.Dispose();
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Accept under resource pressure ({Error}); backing off {BackoffMs} ms")]
    private partial void LogAcceptPressure(SocketError error, double backoffMs);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Transient accept error {Error}")]
    private partial void LogAcceptError(SocketError error);
}

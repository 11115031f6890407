using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Fjord.Broker.Configuration;
using Fjord.Security.Tenancy;
using Fjord.Security.Tls;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Network;

/// <summary>
/// Accepts Kafka client connections on every configured listener and runs one <see cref="KafkaConnection"/>
/// per socket, within Kafka's connection limits: max.connections and max.connections.per.ip at accept,
/// connections.max.idle.ms by one reaper for all connections. A listener on port 0 gets a port from the
/// OS; <see cref="BoundListeners"/> tells which.
/// </summary>
public sealed partial class KafkaServer : IAsyncDisposable
{
    /// <summary>At most one line per this about connections refused by a limit: a flood must not flood the log too.</summary>
    private static readonly TimeSpan RejectionLogInterval = TimeSpan.FromSeconds(10);

    private readonly RequestDispatcher _dispatcher;
    private readonly KafkaServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ConnectionQuotas _quotas;
    private readonly IdleConnectionReaper? _reaper;
    private readonly List<(Socket Socket, ListenerEndpoint Endpoint)> _listeners = [];
    private readonly ConcurrentDictionary<long, KafkaConnection> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _acceptLoops = [];
    private readonly Lock _rejectionLogLock = new();
    private long _nextConnectionId;
    private long _rejected;
    private long _failedTlsHandshakes;
    private long _rejectedSinceLog;
    private long _lastRejectionLog = long.MinValue;

    public KafkaServer(RequestDispatcher dispatcher, int maxRequestBytes, ILoggerFactory loggerFactory)
        : this(dispatcher, new KafkaServerOptions { MaxRequestBytes = maxRequestBytes }, loggerFactory, TimeProvider.System)
    {
    }

    public KafkaServer(RequestDispatcher dispatcher, KafkaServerOptions options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        _dispatcher = dispatcher;
        _options = options;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<KafkaServer>();
        _quotas = new ConnectionQuotas(options.MaxConnections, options.MaxConnectionsPerIp, options.MaxConnectionsPerIpOverrides);
        if (options.ConnectionsMaxIdleMs >= 0)
            _reaper = new IdleConnectionReaper(() => _connections.Values, TimeSpan.FromMilliseconds(options.ConnectionsMaxIdleMs), time,
                loggerFactory.CreateLogger<IdleConnectionReaper>());
    }

    public IReadOnlyList<ListenerEndpoint> BoundListeners =>
        _listeners.Select(l => l.Endpoint with { Port = ((IPEndPoint)l.Socket.LocalEndPoint!).Port }).ToArray();

    public int ConnectionCount => _connections.Count;

    /// <summary>The sessions of the open connections, for tests that look at who is still connected (e.g. after a revocation).</summary>
    internal IReadOnlyList<ClientSession> Sessions => [.. _connections.Values.Select(c => c.Session)];

    /// <summary>Bytes of receive buffer held by all connections: what idle and half-sent requests cost.</summary>
    internal long ReceiveBufferBytes => _connections.Values.Sum(c => (long)c.ReceiveBufferBytes);

    /// <summary>Connections closed at accept for being past max.connections or max.connections.per.ip.</summary>
    internal long RejectedConnections => Interlocked.Read(ref _rejected);

    /// <summary>Connections closed because their TLS handshake failed or did not finish in time.</summary>
    internal long FailedTlsHandshakes => Interlocked.Read(ref _failedTlsHandshakes);

    /// <summary>Connections closed by connections.max.idle.ms.</summary>
    internal long IdleClosedConnections => _reaper?.ClosedCount ?? 0;

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
        var backoff = new AcceptBackoff();
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listenSocket.AcceptAsync(_stopping.Token);
            }
            catch (Exception e)
            {
                if (_stopping.IsCancellationRequested) break;
                switch (AcceptErrors.Classify(e))
                {
                    case AcceptErrorKind.Fatal:
                        LogAcceptStopped(e, listener.Name);
                        return;
                    case AcceptErrorKind.ResourcePressure:
                        var delay = backoff.NextDelay();
                        if (backoff.Failures == 1) LogAcceptPressure(listener.Name, ((SocketException)e).SocketErrorCode, delay.TotalMilliseconds);
                        try { await Task.Delay(delay, _time, _stopping.Token); } catch (OperationCanceledException) { return; }
                        continue;
                    default:
                        LogAcceptError(listener.Name, ((SocketException)e).SocketErrorCode);
                        continue;
                }
            }
            if (backoff.InEpisode)
            {
                LogAcceptRecovered(listener.Name, backoff.Failures);
                backoff.Reset();
            }
            Admit(client, listener);
        }
    }

    private void Admit(Socket client, ListenerEndpoint listener)
    {
        var address = (client.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        if (!_quotas.TryAcquire(address, out var exceededLimit))
        {
            // Counted before the close, so whoever sees the close also sees the count.
            Interlocked.Increment(ref _rejected);
            // Kafka closes it after accepting too: the client sees a close and retries with backoff.
            client.Dispose();
            LogRejectionRateLimited(address, exceededLimit!);
            return;
        }
        if (_options.ConnectionCreationThrottle?.Invoke(address) is { } throttle && throttle > TimeSpan.Zero)
        {
            _quotas.Release(address);
            Interlocked.Increment(ref _rejected);
            _ = CloseAfterAsync(client, throttle);
            return;
        }
        var security = _options.ListenerSecurity.GetValueOrDefault(listener.Name) ?? ListenerSecurity.Plaintext;
        if (security.TlsOptions is not null)
        {
            // The handshake runs off the accept loop and within its timeout: a stalled one holds nothing else up.
            _ = Task.Run(() => AcceptTlsAsync(client, listener, security, address));
            return;
        }
        KafkaConnection connection;
        try
        {
            client.NoDelay = true;
            connection = new KafkaConnection(Interlocked.Increment(ref _nextConnectionId), _options.TransportFactory(client), listener, security,
                _dispatcher, _options.MaxRequestBytes, _time, _loggerFactory.CreateLogger<KafkaConnection>());
        }
        catch (Exception e)
        {
            client.Dispose();
            _quotas.Release(address);
            // A reset between accept and here leaves nothing to serve; anything else is a transport factory's bug,
            // which must cost this connection only and never the accept loop.
            if (e is not (SocketException or ObjectDisposedException or IOException)) LogTransportFailed(e, listener.Name);
            return;
        }
        _connections[connection.Id] = connection;
        // Off the accept loop: a first request that is already buffered must not delay the next accept.
        _ = Task.Run(() => RunConnectionAsync(connection, address));
    }

    /// <summary>KIP-612: a connection over its address's creation rate is held unserved for the throttle time, then closed.</summary>
    private async Task CloseAfterAsync(Socket client, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            client.Dispose();
        }
    }

    private async Task AcceptTlsAsync(Socket client, ListenerEndpoint listener, ListenerSecurity security, IPAddress address)
    {
        IConnectionTransport? transport = null;
        KafkaConnection connection;
        try
        {
            client.NoDelay = true;
            (transport, var certificate) = await TlsTransport.AcceptAsync(client, security.TlsOptions!(), security.TlsHandshakeTimeout, _stopping.Token);
            // Mutual TLS: the verified certificate names the principal (a SASL exchange on SASL_SSL replaces it). A
            // certificate no mapping rule covers fails here, before the connection exists. The SslStream owns the
            // certificate object and disposes it with itself.
            var principal = security.PrincipalFromCertificate(certificate);
            TenantScope? tenant = null;
            // On SASL_SSL the SASL exchange names the principal and meets the tenant gate then.
            if (security.Tenants is { } tenants && security.Protocol == SecurityProtocol.Ssl)
            {
                var admission = tenants.Admit(principal);
                if (!admission.Admitted) throw new AuthenticationRefusedException(admission.Refusal!);
                (principal, tenant) = (admission.Principal, admission.Tenant);
            }
            connection = new KafkaConnection(Interlocked.Increment(ref _nextConnectionId), transport, listener, security,
                _dispatcher, _options.MaxRequestBytes, _time, _loggerFactory.CreateLogger<KafkaConnection>());
            connection.Session.Principal = principal;
            connection.Session.Tenant = tenant;
            connection.Session.ClientCertificate = certificate is null ? null : CertificateIdentity.From(certificate);
        }
        catch (Exception e)
        {
            if (transport is not null) await transport.DisposeAsync();
            client.Dispose();
            _quotas.Release(address);
            Interlocked.Increment(ref _failedTlsHandshakes);
            if (!_stopping.IsCancellationRequested) LogTlsHandshakeFailed(listener.Name, address.ToString(), e.GetBaseException().Message);
            return;
        }
        _connections[connection.Id] = connection;
        // A revocation announced between the handshake and the line above closed the sessions registered then, not
        // this one: asked again now that a later announcement would find it.
        if (connection.Session.ClientCertificate is { } identity && security.IsCertificateRevoked?.Invoke(identity) == true)
            connection.Abort();
        await RunConnectionAsync(connection, address);
    }

    /// <summary>Open connections per listener name, for the connection-count gauge.</summary>
    internal IReadOnlyDictionary<string, int> ConnectionsByListener()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        // A listener nobody is connected to shows as 0, not as missing.
        foreach (var bound in BoundListeners) counts[bound.Name] = 0;
        foreach (var connection in _connections.Values)
        {
            var listener = connection.Session.Listener.Name;
            counts[listener] = counts.GetValueOrDefault(listener) + 1;
        }
        return counts;
    }

    /// <summary>
    /// Closes every open connection whose session matches: a deleted user's or a suspended principal's live
    /// sessions end at once instead of when they next re-authenticate.
    /// </summary>
    /// <summary>How many live connections' sessions match (a tenant's, say), without copying the connection list.</summary>
    internal int CountSessions(Func<ClientSession, bool> matches)
    {
        var count = 0;
        foreach (var connection in _connections.Values)
            if (matches(connection.Session)) count++;
        return count;
    }

    public int CloseSessions(Func<ClientSession, bool> matches)
    {
        var closed = 0;
        foreach (var connection in _connections.Values)
        {
            if (!matches(connection.Session)) continue;
            connection.Abort();
            closed++;
        }
        return closed;
    }

    private async Task RunConnectionAsync(KafkaConnection connection, IPAddress address)
    {
        try
        {
            await connection.RunAsync(_stopping.Token);
        }
        finally
        {
            _connections.TryRemove(connection.Id, out _);
            try
            {
                await connection.DisposeAsync();
            }
            finally
            {
                _quotas.Release(address);
            }
        }
    }

    private void LogRejectionRateLimited(IPAddress address, string limit)
    {
        long suppressed;
        lock (_rejectionLogLock)
        {
            var now = _time.GetTimestamp();
            if (_lastRejectionLog != long.MinValue && _time.GetElapsedTime(_lastRejectionLog, now) < RejectionLogInterval)
            {
                _rejectedSinceLog++;
                return;
            }
            suppressed = _rejectedSinceLog;
            _rejectedSinceLog = 0;
            _lastRejectionLog = now;
        }
        LogConnectionRejected(address.ToString(), limit, suppressed, (long)RejectionLogInterval.TotalSeconds);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var (socket, _) in _listeners) socket.Dispose();
        await Task.WhenAll(_acceptLoops);
        if (_reaper is not null) await _reaper.DisposeAsync();
        foreach (var connection in _connections.Values) connection.Abort();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!_connections.IsEmpty && DateTime.UtcNow < deadline) await Task.Delay(10);
        _stopping.Dispose();
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Listener {Listener}: accept under resource pressure ({Error}); backing off from {BackoffMs} ms up to 1 s until an accept succeeds")]
    private partial void LogAcceptPressure(string listener, SocketError error, double backoffMs);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Listener {Listener}: transient accept error {Error}")]
    private partial void LogAcceptError(string listener, SocketError error);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Listener {Listener}: accepting again after {Failures} failed accepts under resource pressure")]
    private partial void LogAcceptRecovered(string listener, int failures);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "Listener {Listener}: accept failed for good; no longer accepting on it")]
    private partial void LogAcceptStopped(Exception exception, string listener);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Closed a new connection from {RemoteAddress}: past {Limit} ({Suppressed} more refused in the {IntervalSeconds} s before, not logged)")]
    private partial void LogConnectionRejected(string remoteAddress, string limit, long suppressed, long intervalSeconds);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Debug, Message = "Listener {Listener}: TLS handshake with {RemoteAddress} failed ({Reason}); closed")]
    private partial void LogTlsHandshakeFailed(string listener, string remoteAddress, string reason);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Error, Message = "Listener {Listener}: could not set up the transport of an accepted connection; closed it")]
    private partial void LogTransportFailed(Exception exception, string listener);
}

using System.Net.Sockets;
using Fjord.Broker.Configuration;

namespace Fjord.Broker.Network;

/// <summary>The transport layer's settings, under Kafka's names in <see cref="BrokerConfig"/>.</summary>
public sealed record KafkaServerOptions
{
    /// <summary>socket.request.max.bytes: a larger frame closes the connection.</summary>
    public int MaxRequestBytes { get; init; } = 104_857_600;

    /// <summary>connections.max.idle.ms; negative never closes an idle connection (as Kafka's Selector).</summary>
    public long ConnectionsMaxIdleMs { get; init; } = 600_000;

    /// <summary>max.connections, across all listeners.</summary>
    public int MaxConnections { get; init; } = int.MaxValue;

    /// <summary>max.connections.per.ip, for addresses without an override.</summary>
    public int MaxConnectionsPerIp { get; init; } = int.MaxValue;

    /// <summary>max.connections.per.ip.overrides, host or address to limit.</summary>
    public IReadOnlyDictionary<string, int> MaxConnectionsPerIpOverrides { get; init; } = new Dictionary<string, int>();

    /// <summary>
    /// Wraps an accepted socket in the transport its connection runs over; where TLS or SASL plug in.
    /// The connection owns what this returns.
    /// </summary>
    public Func<Socket, IConnectionTransport> TransportFactory { get; init; } = socket => new SocketTransport(socket);

    /// <summary>Each listener's security by listener name; a listener not named here is PLAINTEXT.</summary>
    public IReadOnlyDictionary<string, ListenerSecurity> ListenerSecurity { get; init; } = new Dictionary<string, ListenerSecurity>();

    /// <summary>
    /// Per-IP connection_creation_rate (KIP-612): how long to hold a new connection from an address before closing it
    /// unserved, or zero to serve it. Null: no such quota.
    /// </summary>
    public Func<System.Net.IPAddress, TimeSpan>? ConnectionCreationThrottle { get; init; }

    public static KafkaServerOptions From(BrokerConfig config)
    {
        var options = new KafkaServerOptions
        {
            MaxRequestBytes = config.SocketRequestMaxBytes,
            ConnectionsMaxIdleMs = config.ConnectionsMaxIdleMs,
            MaxConnections = config.MaxConnections,
            MaxConnectionsPerIp = config.MaxConnectionsPerIp,
            MaxConnectionsPerIpOverrides = ConnectionQuotas.ParseOverrides(config.MaxConnectionsPerIpOverrides),
        };
        if (options.MaxConnections < 0) throw new ConfigException($"max.connections={options.MaxConnections} must be at least 0");
        if (options.MaxConnectionsPerIp < 0) throw new ConfigException($"max.connections.per.ip={options.MaxConnectionsPerIp} must be at least 0");
        // Kafka's rule: a broker that refuses every address must say which addresses it does accept.
        if (options.MaxConnectionsPerIp == 0 && options.MaxConnectionsPerIpOverrides.Count == 0)
            throw new ConfigException("max.connections.per.ip can be 0 only when max.connections.per.ip.overrides is set");
        return options;
    }
}

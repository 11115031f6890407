using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Fjord.Broker.Configuration;

namespace Fjord.Broker.Network;

/// <summary>
/// Kafka's max.connections and max.connections.per.ip (with max.connections.per.ip.overrides): counted at
/// accept, released when the connection ends. A connection past either limit is closed as soon as it is
/// accepted, so a flood from one address cannot use up the broker's file descriptors or memory.
/// </summary>
internal sealed class ConnectionQuotas
{
    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, int> _perIp = [];
    private readonly Dictionary<IPAddress, int> _overrides;
    private readonly int _maxConnections;
    private readonly int _maxConnectionsPerIp;
    private int _total;

    public ConnectionQuotas(int maxConnections, int maxConnectionsPerIp, IReadOnlyDictionary<string, int> perIpOverrides)
    {
        _maxConnections = maxConnections;
        _maxConnectionsPerIp = maxConnectionsPerIp;
        _overrides = [];
        foreach (var (host, limit) in perIpOverrides)
            foreach (var address in Resolve(host))
                _overrides[Normalize(address)] = limit;
    }

    public int Total
    {
        get
        {
            lock (_lock) return _total;
        }
    }

    /// <summary>Counts a new connection from <paramref name="address"/>, or names the limit it is past.</summary>
    public bool TryAcquire(IPAddress address, out string? exceededLimit)
    {
        address = Normalize(address);
        lock (_lock)
        {
            var fromAddress = _perIp.GetValueOrDefault(address);
            if (fromAddress >= LimitFor(address))
            {
                exceededLimit = "max.connections.per.ip";
                return false;
            }
            if (_total >= _maxConnections)
            {
                exceededLimit = "max.connections";
                return false;
            }
            _perIp[address] = fromAddress + 1;
            _total++;
        }
        exceededLimit = null;
        return true;
    }

    public void Release(IPAddress address)
    {
        address = Normalize(address);
        lock (_lock)
        {
            _total--;
            var left = _perIp.GetValueOrDefault(address) - 1;
            if (left > 0) _perIp[address] = left;
            else _perIp.Remove(address);
        }
    }

    private int LimitFor(IPAddress address) => _overrides.TryGetValue(address, out var limit) ? limit : _maxConnectionsPerIp;

    /// <summary>An IPv4 client on a dual-mode listener arrives as ::ffff:a.b.c.d; it is still a.b.c.d for its limit.</summary>
    internal static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static IPAddress[] Resolve(string host)
    {
        if (IPAddress.TryParse(host, out var ip)) return [ip];
        try
        {
            return Dns.GetHostAddresses(host);
        }
        catch (SocketException e)
        {
            throw new ConfigException($"max.connections.per.ip.overrides: host {host} does not resolve ({e.Message})");
        }
    }

    /// <summary>
    /// Kafka's format, <c>host1:10,1.2.3.4:5</c>: per-host or per-address limits that replace max.connections.per.ip.
    /// The count follows the last colon, so an IPv6 address may be written bare or in brackets.
    /// </summary>
    public static IReadOnlyDictionary<string, int> ParseOverrides(string? value)
    {
        var overrides = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(value)) return overrides;
        foreach (var entry in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = entry.LastIndexOf(':');
            var host = colon > 0 ? entry[..colon].Trim() : "";
            if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
            if (host.Length == 0
                || !int.TryParse(entry[(colon + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var limit))
                throw new ConfigException($"max.connections.per.ip.overrides: '{entry}' is not host:count (e.g. host1:10,1.2.3.4:5)");
            if (!overrides.TryAdd(host, limit))
                throw new ConfigException($"max.connections.per.ip.overrides: {host} is listed twice");
        }
        return overrides;
    }
}

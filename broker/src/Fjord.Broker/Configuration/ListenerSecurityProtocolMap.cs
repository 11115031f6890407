namespace Fjord.Broker.Configuration;

/// <summary>
/// Kafka's listener.security.protocol.map: NAME:PROTOCOL pairs, so a listener can be called INTERNAL or
/// EXTERNAL and still speak SASL_SSL. Without the setting, the four protocol names map to themselves,
/// as in Kafka.
/// </summary>
public sealed class ListenerSecurityProtocolMap
{
    private readonly Dictionary<string, SecurityProtocol> _map;

    private ListenerSecurityProtocolMap(Dictionary<string, SecurityProtocol> map) => _map = map;

    public static ListenerSecurityProtocolMap Parse(string? value)
    {
        var map = new Dictionary<string, SecurityProtocol>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(value))
        {
            foreach (var protocol in Enum.GetValues<SecurityProtocol>()) map[protocol.KafkaName()] = protocol;
            return new ListenerSecurityProtocolMap(map);
        }
        foreach (var pair in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) throw new ConfigException($"listener.security.protocol.map entry '{pair}' is not NAME:PROTOCOL");
            var name = pair[..colon].Trim().ToUpperInvariant();
            if (!SecurityProtocols.TryParse(pair[(colon + 1)..], out var protocol))
                throw new ConfigException($"listener.security.protocol.map entry '{pair}': protocol must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL");
            if (!map.TryAdd(name, protocol)) throw new ConfigException($"listener.security.protocol.map names listener {name} twice");
        }
        return new ListenerSecurityProtocolMap(map);
    }

    public SecurityProtocol For(string listenerName) =>
        _map.TryGetValue(listenerName, out var protocol)
            ? protocol
            : throw new ConfigException($"listener {listenerName} has no entry in listener.security.protocol.map (e.g. {listenerName}:SASL_SSL)");
}

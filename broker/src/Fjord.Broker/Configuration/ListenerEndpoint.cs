namespace Fjord.Broker.Configuration;

/// <summary>
/// One entry of Kafka's listeners / advertised.listeners: NAME://host:port, with the security protocol
/// listener.security.protocol.map gives the name (the name itself when it is a protocol name).
/// </summary>
public sealed record ListenerEndpoint(string Name, string Host, int Port)
{
    public SecurityProtocol Protocol { get; init; } = SecurityProtocols.TryParse(Name, out var protocol) ? protocol : SecurityProtocol.Plaintext;

    public static IReadOnlyList<ListenerEndpoint> ParseList(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse).ToArray();

    public static ListenerEndpoint Parse(string value)
    {
        var schemeEnd = value.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0) throw new ConfigException($"listener '{value}' is not NAME://host:port");
        var name = value[..schemeEnd].ToUpperInvariant();
        var hostPort = value[(schemeEnd + 3)..];
        var colon = hostPort.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(hostPort[(colon + 1)..], out var port) || port is < 0 or > 65535)
            throw new ConfigException($"listener '{value}' has no valid port");
        var host = hostPort[..colon].Trim('[', ']');
        return new ListenerEndpoint(name, host, port);
    }

    public override string ToString() => $"{Name}://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}";
}

namespace Fjord.Cluster;

/// <summary>
/// A broker's membership row. <paramref name="IncarnationId"/> is fresh on every process start:
/// a restarted broker is a new incarnation, and the old one is fenced for good.
/// <paramref name="LastHeartbeat"/> is the lease renewal time; a broker whose lease lapsed is dead
/// for the cluster. <paramref name="ShuttingDown"/> is a clean stop in progress (Kafka's controlled
/// shutdown): the controller moves the broker's leaderships and ISR places away while it still serves.
/// </summary>
public sealed record BrokerRegistration(
    int NodeId,
    Guid IncarnationId,
    IReadOnlyList<BrokerEndpoint> Endpoints,
    string? Rack,
    DateTimeOffset LastHeartbeat,
    bool ShuttingDown = false);

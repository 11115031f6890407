namespace Fjord.ControlPlane.Cluster;

/// <summary>
/// One registered broker: its listeners (<c>NAME://host:port</c>), rack, state, heartbeat and whether it is the
/// controller, and what its own status row says (null fields when it has published none). <see cref="StatusStale"/>
/// is true when the row cannot be trusted: its broker is not alive, restarted since (another incarnation), or stopped
/// writing for longer than the refresh interval the row announces. A stale row's figures are shown but not summed.
/// </summary>
public sealed record BrokerStatusView(
    int NodeId,
    IReadOnlyList<string> Endpoints,
    string? Rack,
    BrokerState State,
    bool IsController,
    DateTimeOffset LastHeartbeat,
    double HeartbeatAgeSeconds,
    string? Version,
    DateTimeOffset? StartedAt,
    DateTimeOffset? StatusUpdatedAt,
    bool StatusStale,
    int? LeaderPartitions,
    int? FollowerPartitions,
    int? UnderReplicatedPartitions,
    BrokerTierLagView? TierLag);

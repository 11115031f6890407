namespace Fjord.ControlPlane.Client.Cluster;

/// <summary>One registered broker and what its own status row says (null fields when it published none; not summed when stale).</summary>
public sealed record BrokerStatusModel(
    int NodeId,
    IReadOnlyList<string> Endpoints,
    string? Rack,
    BrokerStateModel State,
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
    BrokerTierLagModel? TierLag);

using Fjord.Cluster;

namespace Fjord.Controller;

/// <summary>
/// Everything one reconciliation looks at: the topics and partition rows as one read, every registered
/// broker (with its rack), which of them are alive, and which restarted since the last plan (a new
/// incarnation: treated as died and returned, so whatever the old process led gets a new leader epoch).
/// </summary>
public sealed record ControllerPlanInput(
    IReadOnlyList<TopicMetadata> Topics,
    IReadOnlyList<PartitionState> States,
    IReadOnlyList<BrokerInfo> RegisteredBrokers,
    IReadOnlySet<int> LiveBrokers,
    IReadOnlySet<int> RestartedBrokers)
{
    /// <summary>unclean.leader.election.enable, the broker default; a topic's own config overrides it.</summary>
    public bool UncleanLeaderElectionEnable { get; init; }

    /// <summary>Whether this plan runs the preferred leader rebalance (auto.leader.rebalance.enable, once per check interval).</summary>
    public bool RebalancePreferredLeaders { get; init; }

    /// <summary>leader.imbalance.per.broker.percentage.</summary>
    public int LeaderImbalancePerBrokerPercentage { get; init; } = 10;
}

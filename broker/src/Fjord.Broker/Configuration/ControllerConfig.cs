using Fjord.Broker.Configuration;
using Fjord.Controller;

namespace Fjord.Broker.Configuration;

/// <summary>Maps the broker's controller, session and leader-election properties onto the controller's options.</summary>
public static class ControllerConfig
{
    public static ClusterControllerOptions From(BrokerConfig config, Guid incarnationId)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new ClusterControllerOptions
        {
            NodeId = config.NodeId,
            IncarnationId = incarnationId,
            LeaseDuration = TimeSpan.FromMilliseconds(config.ControllerLeaseMs),
            Tick = TimeSpan.FromMilliseconds(config.ControllerTickMs),
            SessionTimeout = TimeSpan.FromMilliseconds(config.BrokerSessionTimeoutMs),
            UncleanLeaderElectionEnable = config.UncleanLeaderElectionEnable,
            AutoLeaderRebalanceEnable = config.AutoLeaderRebalanceEnable,
            LeaderImbalanceCheckInterval = TimeSpan.FromSeconds(config.LeaderImbalanceCheckIntervalSeconds),
            LeaderImbalancePerBrokerPercentage = config.LeaderImbalancePerBrokerPercentage,
            OffsetsTopicNumPartitions = config.OffsetsTopicNumPartitions,
            OffsetsTopicReplicationFactor = config.OffsetsTopicReplicationFactor,
            TransactionStateLogNumPartitions = config.TransactionStateLogNumPartitions,
            TransactionStateLogReplicationFactor = config.TransactionStateLogReplicationFactor,
        };
    }
}

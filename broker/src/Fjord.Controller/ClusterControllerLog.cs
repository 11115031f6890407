using Microsoft.Extensions.Logging;

namespace Fjord.Controller;

/// <summary>The cluster controller's log events (ids 7000-7099): every decision at Information.</summary>
internal static partial class ClusterControllerLog
{
    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "Broker {NodeId} is the controller at epoch {Epoch}")]
    public static partial void BecameController(ILogger logger, int nodeId, long epoch);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Broker {NodeId} is no longer the controller (epoch {Epoch}): {Reason}")]
    public static partial void SteppedDown(ILogger logger, int nodeId, long epoch, string reason);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Information, Message = "Broker {NodeId} released the controller lease of epoch {Epoch} on shutdown")]
    public static partial void ReleasedLease(ILogger logger, int nodeId, long epoch);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Warning, Message = "Broker {NodeId} could not release the controller lease of epoch {Epoch} on shutdown; it lapses instead")]
    public static partial void ReleaseFailed(ILogger logger, int nodeId, long epoch, Exception exception);

    [LoggerMessage(EventId = 7013, Level = LogLevel.Information, Message = "Broker {BrokerId} is dead: its controller lease of epoch {Epoch} lapsed, so it could not reach the store for a lease duration")]
    public static partial void LapsedControllerPresumedDead(ILogger logger, int brokerId, long epoch);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Controller tick failed ({FailedTicks} in a row); retrying at the next tick")]
    public static partial void TickFailed(ILogger logger, int failedTicks, Exception exception);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Information, Message = "Controller ticks succeed again after {FailedTicks} failures")]
    public static partial void Recovered(ILogger logger, int failedTicks);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Controller write of {Count} partition states lost a compare-and-swap; re-reading at the next tick")]
    public static partial void WriteConflict(ILogger logger, int count);

    [LoggerMessage(EventId = 7010, Level = LogLevel.Information, Message = "Broker {BrokerId} is dead: its heartbeat has not moved for the session timeout")]
    public static partial void BrokerDied(ILogger logger, int brokerId);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Information, Message = "Broker {BrokerId} is alive")]
    public static partial void BrokerJoined(ILogger logger, int brokerId);

    [LoggerMessage(EventId = 7012, Level = LogLevel.Information, Message = "Broker {BrokerId} restarted (new incarnation): its leaderships and ISR memberships are revoked")]
    public static partial void BrokerRestarted(ILogger logger, int brokerId);

    [LoggerMessage(EventId = 7020, Level = LogLevel.Information, Message = "Created {Topic} with {Partitions} partitions, replication factor {ReplicationFactor}")]
    public static partial void InternalTopicCreated(ILogger logger, string topic, int partitions, short replicationFactor);

    [LoggerMessage(EventId = 7030, Level = LogLevel.Information, Message = "Partition {Topic}-{Partition} created: replicas [{Replicas}], leader {Leader}, ISR [{Isr}]")]
    public static partial void PartitionCreated(ILogger logger, string topic, int partition, string replicas, int leader, string isr);

    [LoggerMessage(EventId = 7031, Level = LogLevel.Information, Message = "Partition {Topic}-{Partition}: leader {OldLeader} -> {Leader} at leader epoch {LeaderEpoch}, ISR [{Isr}]")]
    public static partial void LeaderElected(ILogger logger, string topic, int partition, int oldLeader, int leader, int leaderEpoch, string isr);

    [LoggerMessage(EventId = 7032, Level = LogLevel.Warning, Message = "Partition {Topic}-{Partition}: unclean election of {Leader} (not in the ISR) at leader epoch {LeaderEpoch}; records it lacks are lost")]
    public static partial void UncleanLeaderElected(ILogger logger, string topic, int partition, int leader, int leaderEpoch);

    [LoggerMessage(EventId = 7033, Level = LogLevel.Warning, Message = "Partition {Topic}-{Partition} is offline: no live ISR member among [{Isr}]")]
    public static partial void PartitionOffline(ILogger logger, string topic, int partition, string isr);

    [LoggerMessage(EventId = 7034, Level = LogLevel.Information, Message = "Partition {Topic}-{Partition}: ISR [{OldIsr}] -> [{Isr}] (dead or restarted followers removed)")]
    public static partial void IsrShrunk(ILogger logger, string topic, int partition, string oldIsr, string isr);

    [LoggerMessage(EventId = 7040, Level = LogLevel.Information, Message = "Partition {Topic}-{Partition}: ISR [{OldIsr}] -> [{Isr}] (live replicas of a partition without a log are in sync)")]
    public static partial void IsrExpanded(ILogger logger, string topic, int partition, string oldIsr, string isr);

    [LoggerMessage(EventId = 7035, Level = LogLevel.Information, Message = "Partition {Topic}-{Partition}: preferred replica {Leader} leads again at leader epoch {LeaderEpoch}")]
    public static partial void PreferredLeaderElected(ILogger logger, string topic, int partition, int leader, int leaderEpoch);

    [LoggerMessage(EventId = 7036, Level = LogLevel.Information, Message = "Partition {Topic}-{Partition}: reassignment completed, replicas [{Replicas}], leader {Leader}, ISR [{Isr}]")]
    public static partial void ReassignmentCompleted(ILogger logger, string topic, int partition, string replicas, int leader, string isr);

    [LoggerMessage(EventId = 7037, Level = LogLevel.Information, Message = "Partition {Topic}-{Partition}: reassignment to [{Target}] started, replicas [{Replicas}], adding [{Adding}], removing [{Removing}]")]
    public static partial void ReassignmentStarted(ILogger logger, string topic, int partition, string target, string replicas, string adding, string removing);

    [LoggerMessage(EventId = 7038, Level = LogLevel.Information, Message = "Partition {Topic}-{Partition}: reassignment cancelled, replicas [{Replicas}], leader {Leader}")]
    public static partial void ReassignmentCancelled(ILogger logger, string topic, int partition, string replicas, int leader);

    [LoggerMessage(EventId = 7039, Level = LogLevel.Information, Message = "Partition {Topic}-{Partition}: {Kind} election by request elected {Leader} at leader epoch {LeaderEpoch}")]
    public static partial void RequestedElection(ILogger logger, string topic, int partition, string kind, int leader, int leaderEpoch);
}

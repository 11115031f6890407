namespace Fjord.Cluster;

/// <summary>The outcomes of KRaft's AlterPartition, named after its error codes.</summary>
public enum AlterPartitionStatus
{
    Altered,

    /// <summary>No such partition (or its topic was deleted or re-created).</summary>
    UnknownTopicOrPartition,

    /// <summary>The proposer is not the current leader, or the leader epoch moved on: the proposal comes from a deposed leader.</summary>
    FencedLeaderEpoch,

    /// <summary>Same leader and epoch, but the partition epoch moved on (the controller changed the row): re-read and re-propose.</summary>
    InvalidUpdateVersion,

    /// <summary>The proposal changes more than the ISR, or names an ISR member that is not a replica.</summary>
    InvalidRequest,
}

namespace Fjord.Cluster;

/// <summary>
/// Durable consumer-group state in Table storage: committed offsets and the group record.
/// A completed call is durable; OffsetCommit is acknowledged only after it.
/// </summary>
public interface IOffsetStore
{
    /// <summary>Upserts the offsets of one group; all of them, or (on failure) an exception.</summary>
    Task CommitAsync(string groupId, IReadOnlyList<CommittedOffset> offsets, CancellationToken ct);

    /// <summary>Every committed offset of the group (empty when none).</summary>
    Task<IReadOnlyList<CommittedOffset>> FetchAsync(string groupId, CancellationToken ct);

    /// <summary>Removes the named partitions' offsets (OffsetDelete).</summary>
    Task DeleteOffsetsAsync(string groupId, IReadOnlyList<(string Topic, int Partition)> partitions, CancellationToken ct);

    /// <summary>Removes the group's record and all of its offsets (DeleteGroups, offset expiry).</summary>
    Task DeleteGroupAsync(string groupId, CancellationToken ct);

    Task SaveGroupAsync(GroupRecord group, CancellationToken ct);

    Task<GroupRecord?> LoadGroupAsync(string groupId, CancellationToken ct);

    /// <summary>Every group that has a record or at least one committed offset.</summary>
    Task<IReadOnlyList<string>> ListGroupIdsAsync(CancellationToken ct);

    /// <summary>
    /// Stores a transaction's offsets for the group (TxnOffsetCommit), invisible to <see cref="FetchAsync"/>
    /// until <see cref="CompletePendingAsync"/> commits them. A later stage by the same producer replaces
    /// its earlier offset for the same partition. <paramref name="offsetsPartition"/> is the group's
    /// __consumer_offsets partition, where the transaction's marker will arrive.
    /// </summary>
    Task StagePendingAsync(string groupId, int offsetsPartition, long producerId, IReadOnlyList<CommittedOffset> offsets, CancellationToken ct);

    /// <summary>Every pending (transactional) offset of the group, of every producer.</summary>
    Task<IReadOnlyList<PendingOffset>> FetchPendingAsync(string groupId, CancellationToken ct);

    /// <summary>The groups of one offsets partition holding pending offsets of <paramref name="producerId"/>.</summary>
    Task<IReadOnlyList<string>> PendingGroupsAsync(int offsetsPartition, long producerId, CancellationToken ct);

    /// <summary>
    /// The transaction's marker arrived: on commit its pending offsets become the group's committed
    /// offsets (returned), on abort they are dropped (nothing returned). Idempotent: a repeat finds
    /// nothing left to do.
    /// </summary>
    Task<IReadOnlyList<CommittedOffset>> CompletePendingAsync(string groupId, int offsetsPartition, long producerId, bool commit, CancellationToken ct);
}

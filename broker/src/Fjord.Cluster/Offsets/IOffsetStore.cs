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
}

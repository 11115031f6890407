using System.Text;
using Fjord.Cluster;
using Fjord.Protocol;
using Microsoft.Extensions.Logging;

namespace Fjord.Groups;

/// <summary>
/// The committed offsets of the groups this broker coordinates (Kafka's OffsetMetadataManager, beside
/// the GroupMetadataManager that <see cref="GroupCoordinator"/>'s rebalance state machine is): which
/// offsets a commit stores, what a fetch answers, which offsets a delete or the retention rule removes,
/// against the <see cref="IOffsetStore"/> in Table storage. Whether a member may commit, and what
/// becomes of a group left without offsets, is the coordinator's decision; it calls in here with the
/// group's <see cref="ClassicGroup.StoreGate"/> held for every store write, so the group's offset cache
/// and the store never disagree on order.
/// </summary>
internal sealed class OffsetManager
{
    private readonly IOffsetStore _store;
    private readonly GroupCoordinatorConfig _config;
    private readonly ILogger _logger;

    public OffsetManager(IOffsetStore store, GroupCoordinatorConfig config, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _config = config;
        _logger = logger;
    }

    /// <summary>offset.metadata.max.bytes, in UTF-8 bytes, never above what the store can hold.</summary>
    private int MaxMetadataBytes => Math.Min(_config.OffsetMetadataMaxBytes, OffsetStoreLimits.MaxMetadataBytes);

    /// <summary>Every committed offset of a group, as the store has them (a group being loaded).</summary>
    public Task<IReadOnlyList<CommittedOffset>> LoadAsync(string groupId, CancellationToken ct) => _store.FetchAsync(groupId, ct);

    /// <summary>
    /// Stores the commit of a validated committer and only then adds it to the group's cache, so the
    /// acknowledgement means durable. Oversized metadata fails its partition alone; a store failure
    /// fails every partition that was to be written with COORDINATOR_NOT_AVAILABLE.
    /// Called with the group's store gate held.
    /// </summary>
    public async Task<OffsetCommitResult> CommitAsync(ClassicGroup group, IReadOnlyList<OffsetCommitEntry> offsets, DateTimeOffset now, CancellationToken ct)
    {
        var (results, accepted) = Accept(offsets, now);
        if (accepted.Count == 0)
        {
            return new OffsetCommitResult(results);
        }

        try
        {
            await _store.CommitAsync(group.GroupId, accepted, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            GroupCoordinatorLog.StoreWriteFailed(_logger, group.GroupId, ex);
            return new OffsetCommitResult(FailAccepted(results));
        }

        lock (group.Lock)
        {
            foreach (var offset in accepted)
            {
                group.Offsets[(offset.Topic, offset.Partition)] = offset;
            }
        }

        return new OffsetCommitResult(results);
    }

    /// <summary>
    /// Stores a transaction's offsets as pending, then records them in the group's cache of pending offsets.
    /// Same metadata limit and store-failure answer as <see cref="CommitAsync"/>. Called with the group's store gate held.
    /// </summary>
    public async Task<OffsetCommitResult> StageAsync(ClassicGroup group, int offsetsPartition, long producerId, IReadOnlyList<OffsetCommitEntry> offsets, DateTimeOffset now, CancellationToken ct)
    {
        var (results, accepted) = Accept(offsets, now);
        if (accepted.Count == 0)
        {
            return new OffsetCommitResult(results);
        }

        try
        {
            await _store.StagePendingAsync(group.GroupId, offsetsPartition, producerId, accepted, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            GroupCoordinatorLog.StoreWriteFailed(_logger, group.GroupId, ex);
            return new OffsetCommitResult(FailAccepted(results));
        }

        lock (group.Lock)
        {
            foreach (var offset in accepted)
            {
                group.AddPendingTransactionalOffset(producerId, offset);
            }
        }

        return new OffsetCommitResult(results);
    }

    /// <summary>Oversized metadata fails its partition alone; the rest is to be written.</summary>
    private (OffsetPartitionError[] Results, List<CommittedOffset> Accepted) Accept(IReadOnlyList<OffsetCommitEntry> offsets, DateTimeOffset now)
    {
        var results = new OffsetPartitionError[offsets.Count];
        var accepted = new List<CommittedOffset>(offsets.Count);
        for (var i = 0; i < offsets.Count; i++)
        {
            var entry = offsets[i];
            var tooLarge = entry.Metadata is not null && Encoding.UTF8.GetByteCount(entry.Metadata) > MaxMetadataBytes;
            results[i] = new OffsetPartitionError(entry.Topic, entry.Partition, tooLarge ? ErrorCode.OffsetMetadataTooLarge : ErrorCode.None);
            if (!tooLarge)
            {
                accepted.Add(new CommittedOffset(entry.Topic, entry.Partition, entry.Offset, entry.LeaderEpoch, entry.Metadata ?? "", now));
            }
        }

        return (results, accepted);
    }

    /// <summary>A store failure fails every partition that was to be written with COORDINATOR_NOT_AVAILABLE.</summary>
    private static OffsetPartitionError[] FailAccepted(OffsetPartitionError[] results)
    {
        for (var i = 0; i < results.Length; i++)
        {
            if (results[i].Error == ErrorCode.None)
            {
                results[i] = results[i] with { Error = ErrorCode.CoordinatorNotAvailable };
            }
        }

        return results;
    }

    public static OffsetCommitResult AllFailed(IReadOnlyList<OffsetCommitEntry> offsets, ErrorCode error) =>
        new(offsets.Select(o => new OffsetPartitionError(o.Topic, o.Partition, error)).ToList());

    /// <summary>
    /// OffsetFetch's answer from the group's cache; <paramref name="partitions"/> null means every
    /// committed partition. A group that does not exist (null) or is Dead has no offsets.
    /// </summary>
    public static OffsetFetchResult Fetch(ClassicGroup? group, IReadOnlyList<(string Topic, int Partition)>? partitions, bool requireStable = false)
    {
        var result = new List<FetchedOffset>();
        if (group is null)
        {
            AddUnknown(result, partitions);
            return new OffsetFetchResult(ErrorCode.None, result);
        }

        lock (group.Lock)
        {
            if (group.State == GroupState.Dead)
            {
                AddUnknown(result, partitions);
            }
            else if (partitions is null)
            {
                foreach (var offset in group.Offsets.Values.OrderBy(o => o.Topic, StringComparer.Ordinal).ThenBy(o => o.Partition))
                {
                    result.Add(requireStable && group.HasPendingTransactionalOffset(offset.Topic, offset.Partition)
                        ? Unstable(offset.Topic, offset.Partition)
                        : ToFetched(offset));
                }
            }
            else
            {
                foreach (var (topic, partition) in partitions)
                {
                    if (requireStable && group.HasPendingTransactionalOffset(topic, partition))
                    {
                        result.Add(Unstable(topic, partition));
                        continue;
                    }

                    result.Add(group.Offsets.TryGetValue((topic, partition), out var offset)
                        ? ToFetched(offset)
                        : new FetchedOffset(topic, partition, -1, -1, ""));
                }
            }
        }

        return new OffsetFetchResult(ErrorCode.None, result);
    }

    /// <summary>A group-level error; the partitions are listed with it too, since before v2 only they can carry it.</summary>
    public static OffsetFetchResult FetchFailed(ErrorCode error, IReadOnlyList<(string Topic, int Partition)>? partitions)
    {
        var unknown = new List<FetchedOffset>();
        AddUnknown(unknown, partitions);
        return new OffsetFetchResult(error, unknown);
    }

    private static FetchedOffset Unstable(string topic, int partition) => new(topic, partition, -1, -1, "", ErrorCode.UnstableOffsetCommit);

    private static FetchedOffset ToFetched(CommittedOffset offset) =>
        new(offset.Topic, offset.Partition, offset.Offset, offset.LeaderEpoch, offset.Metadata ?? "");

    private static void AddUnknown(List<FetchedOffset> result, IReadOnlyList<(string Topic, int Partition)>? partitions)
    {
        foreach (var (topic, partition) in partitions ?? [])
        {
            result.Add(new FetchedOffset(topic, partition, -1, -1, ""));
        }
    }

    /// <summary>
    /// Removes offsets from the store; false (logged) when the store failed, and the cache is left as
    /// it was. The caller then drops them from the cache with <see cref="Forget"/> under the group's lock,
    /// together with whatever it decides about the group. Called with the group's store gate held.
    /// </summary>
    public async Task<bool> DeleteAsync(ClassicGroup group, IReadOnlyList<(string Topic, int Partition)> partitions, CancellationToken ct)
    {
        try
        {
            await _store.DeleteOffsetsAsync(group.GroupId, partitions, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            GroupCoordinatorLog.StoreWriteFailed(_logger, group.GroupId, ex);
            return false;
        }
    }

    /// <summary>Drops deleted offsets from the group's cache; the caller holds the group's lock.</summary>
    public static void Forget(ClassicGroup group, IReadOnlyList<(string Topic, int Partition)> partitions)
    {
        foreach (var key in partitions)
        {
            group.Offsets.Remove(key);
        }
    }

    /// <summary>
    /// offsets.retention.minutes: the offsets of an Empty group that are past retention at
    /// <paramref name="now"/> (none for a group with members). The caller holds the group's lock.
    /// </summary>
    public List<(string Topic, int Partition)> Expired(ClassicGroup group, DateTimeOffset now)
    {
        if (group.State != GroupState.Empty)
        {
            return [];
        }

        var retention = TimeSpan.FromMinutes(_config.OffsetsRetentionMinutes);
        return group.Offsets.Values
            .Where(o => now - ExpiryBase(group, o) >= retention)
            .Select(o => (o.Topic, o.Partition))
            .ToList();
    }

    /// <summary>KIP-211: a group that had members counts from when it became Empty; a simple group from each commit.</summary>
    private static DateTimeOffset ExpiryBase(ClassicGroup group, CommittedOffset offset) =>
        group.ProtocolType is not null && group.EmptySince is { } emptySince ? emptySince : offset.CommitTime;
}

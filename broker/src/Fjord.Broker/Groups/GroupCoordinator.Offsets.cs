using System.Text;
using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Broker.Groups;

public sealed partial class GroupCoordinator
{
    /// <summary>
    /// OffsetCommit. Acknowledged only once the store has the offsets. A "simple" commit (generation -1,
    /// no member id, no instance id) is accepted only while the group has no members. Topic and partition
    /// existence is the handler's check.
    /// </summary>
    public async Task<OffsetCommitResult> CommitOffsetsAsync(
        string groupId, int generationId, string memberId, string? groupInstanceId, IReadOnlyList<OffsetCommitEntry> offsets, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        memberId ??= NoMemberId;

        // Kafka lets an empty group id commit; no store can hold one, so it is refused as invalid.
        if (string.IsNullOrEmpty(groupId))
        {
            return AllFailed(offsets, ErrorCode.InvalidGroupId);
        }

        if (!Coordinates(groupId))
        {
            return AllFailed(offsets, ErrorCode.NotCoordinator);
        }

        ClassicGroup? group;
        try
        {
            group = await GetOrLoadGroupAsync(groupId, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            GroupCoordinatorLog.StoreReadFailed(_logger, groupId, ex);
            return AllFailed(offsets, ErrorCode.CoordinatorNotAvailable);
        }

        if (group is null)
        {
            if (generationId >= 0)
            {
                // A group this coordinator never had: a commit from an older generation, reject it.
                return AllFailed(offsets, ErrorCode.IllegalGeneration);
            }

            // The group does not use Kafka's group management (assign() plus commitSync): allow it.
            group = _groups.GetOrAdd(groupId, id => new ClassicGroup(id, Now));
        }

        await group.StoreGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            lock (group.Lock)
            {
                var error = ValidateCommit(group, generationId, memberId, groupInstanceId);
                if (error != ErrorCode.None)
                {
                    return AllFailed(offsets, error);
                }
            }

            var now = Now;
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

            if (accepted.Count == 0)
            {
                return new OffsetCommitResult(results);
            }

            try
            {
                await _store.CommitAsync(groupId, accepted, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                GroupCoordinatorLog.StoreWriteFailed(_logger, groupId, ex);
                for (var i = 0; i < results.Length; i++)
                {
                    if (results[i].Error == ErrorCode.None)
                    {
                        results[i] = results[i] with { Error = ErrorCode.CoordinatorNotAvailable };
                    }
                }

                return new OffsetCommitResult(results);
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
        finally
        {
            group.StoreGate.Release();
        }
    }

    /// <summary>offset.metadata.max.bytes, in UTF-8 bytes, never above what the store can hold.</summary>
    private int MaxMetadataBytes => Math.Min(_config.OffsetMetadataMaxBytes, OffsetStoreLimits.MaxMetadataBytes);

    /// <summary>Kafka's validateOffsetCommit plus its per-state rule.</summary>
    private ErrorCode ValidateCommit(ClassicGroup group, int generationId, string memberId, string? groupInstanceId)
    {
        if (group.State == GroupState.Dead)
        {
            return ErrorCode.CoordinatorNotAvailable;
        }

        if (generationId >= 0 || memberId.Length > 0 || groupInstanceId is not null)
        {
            var error = ValidateMember(group, memberId, groupInstanceId);
            if (error != ErrorCode.None)
            {
                return error;
            }

            if (generationId != group.GenerationId)
            {
                return ErrorCode.IllegalGeneration;
            }
        }
        else if (group.State != GroupState.Empty)
        {
            // When the group has members, only members may commit.
            return ErrorCode.UnknownMemberId;
        }

        switch (group.State)
        {
            case GroupState.CompletingRebalance:
                // The member has its new generation from JoinGroup but not its assignment yet.
                return ErrorCode.RebalanceInProgress;
            case GroupState.Stable:
            case GroupState.PreparingRebalance:
                // Still allowed while preparing: the member learns of the rebalance from its heartbeat.
                if (group.TryGetMember(memberId, out var member))
                {
                    TouchSession(group, member, member.SessionTimeoutMs);
                }

                return ErrorCode.None;
            default:
                return ErrorCode.None;
        }
    }

    private static OffsetCommitResult AllFailed(IReadOnlyList<OffsetCommitEntry> offsets, ErrorCode error) =>
        new(offsets.Select(o => new OffsetPartitionError(o.Topic, o.Partition, error)).ToList());

    /// <summary>OffsetFetch; <paramref name="partitions"/> null means every committed partition of the group.</summary>
    public async Task<OffsetFetchResult> FetchOffsetsAsync(string groupId, IReadOnlyList<(string Topic, int Partition)>? partitions, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(groupId))
        {
            return new OffsetFetchResult(ErrorCode.InvalidGroupId, []);
        }

        if (!Coordinates(groupId))
        {
            // Listed with the error too: before v2 only the partitions can carry it.
            var unknown = new List<FetchedOffset>();
            AddUnknown(unknown, partitions);
            return new OffsetFetchResult(ErrorCode.NotCoordinator, unknown);
        }

        ClassicGroup? group;
        try
        {
            group = await GetOrLoadGroupAsync(groupId, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            GroupCoordinatorLog.StoreReadFailed(_logger, groupId, ex);
            return new OffsetFetchResult(ErrorCode.CoordinatorNotAvailable, []);
        }

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
                    result.Add(ToFetched(offset));
                }
            }
            else
            {
                foreach (var (topic, partition) in partitions)
                {
                    result.Add(group.Offsets.TryGetValue((topic, partition), out var offset)
                        ? ToFetched(offset)
                        : new FetchedOffset(topic, partition, -1, -1, ""));
                }
            }
        }

        return new OffsetFetchResult(ErrorCode.None, result);
    }

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
    /// OffsetDelete. An Empty group loses any offsets; a non-empty "consumer" group only those of topics
    /// no member subscribes to (GROUP_SUBSCRIBED_TO_TOPIC otherwise); other non-empty groups refuse (NON_EMPTY_GROUP).
    /// </summary>
    public async Task<OffsetDeleteResult> DeleteOffsetsAsync(string groupId, IReadOnlyList<(string Topic, int Partition)> partitions, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        if (string.IsNullOrEmpty(groupId))
        {
            return new OffsetDeleteResult(ErrorCode.InvalidGroupId, []);
        }

        if (!Coordinates(groupId))
        {
            return new OffsetDeleteResult(ErrorCode.NotCoordinator, []);
        }

        ClassicGroup? group;
        try
        {
            group = await GetOrLoadGroupAsync(groupId, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            GroupCoordinatorLog.StoreReadFailed(_logger, groupId, ex);
            return new OffsetDeleteResult(ErrorCode.CoordinatorNotAvailable, []);
        }

        if (group is null)
        {
            return new OffsetDeleteResult(ErrorCode.GroupIdNotFound, []);
        }

        await group.StoreGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var results = new List<OffsetPartitionError>(partitions.Count);
            var deletable = new List<(string Topic, int Partition)>(partitions.Count);
            lock (group.Lock)
            {
                HashSet<string>? subscribed = null;
                switch (group.State)
                {
                    case GroupState.Dead:
                        return new OffsetDeleteResult(ErrorCode.GroupIdNotFound, []);
                    case GroupState.Empty:
                        break;
                    case var _ when group.ProtocolType == ConsumerProtocolSubscriptionReader.ConsumerProtocolType:
                        subscribed = SubscribedTopics(group);
                        break;
                    default:
                        return new OffsetDeleteResult(ErrorCode.NonEmptyGroup, []);
                }

                foreach (var (topic, partition) in partitions)
                {
                    // Unparseable subscriptions (subscribed == all) are treated as subscribed to everything.
                    var inUse = group.State != GroupState.Empty && (subscribed is null || subscribed.Contains(topic));
                    results.Add(new OffsetPartitionError(topic, partition, inUse ? ErrorCode.GroupSubscribedToTopic : ErrorCode.None));
                    if (!inUse)
                    {
                        deletable.Add((topic, partition));
                    }
                }
            }

            if (deletable.Count == 0)
            {
                return new OffsetDeleteResult(ErrorCode.None, results);
            }

            bool removeGroup;
            try
            {
                await _store.DeleteOffsetsAsync(groupId, deletable, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                GroupCoordinatorLog.StoreWriteFailed(_logger, groupId, ex);
                return new OffsetDeleteResult(ErrorCode.CoordinatorNotAvailable, []);
            }

            lock (group.Lock)
            {
                foreach (var key in deletable)
                {
                    group.Offsets.Remove(key);
                }

                // Kafka: an Empty group left without offsets is removed altogether.
                removeGroup = group.State == GroupState.Empty && group.Offsets.Count == 0;
                if (removeGroup)
                {
                    MarkDead(group);
                }
            }

            if (removeGroup)
            {
                await DeleteFromStoreQuietlyAsync(group, ct).ConfigureAwait(false);
            }

            return new OffsetDeleteResult(ErrorCode.None, results);
        }
        finally
        {
            group.StoreGate.Release();
        }
    }

    /// <summary>Topics in the members' subscriptions for the group's protocol; null when any is unknown or unreadable.</summary>
    private static HashSet<string>? SubscribedTopics(ClassicGroup group)
    {
        if (group.ProtocolName is null)
        {
            return null;
        }

        var topics = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in group.Members)
        {
            if (!ConsumerProtocolSubscriptionReader.TryReadTopics(member.MetadataFor(group.ProtocolName), topics))
            {
                return null;
            }
        }

        return topics;
    }

    private void MarkDead(ClassicGroup group)
    {
        group.DisposeTimers();
        group.TransitionTo(GroupState.Dead, Now);
        Unload(group);
    }

    private async Task<bool> DeleteFromStoreQuietlyAsync(ClassicGroup group, CancellationToken ct)
    {
        try
        {
            await _store.DeleteGroupAsync(group.GroupId, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Memory already forgot the group; a later load finds what is left and expiry retries.
            GroupCoordinatorLog.StoreWriteFailed(_logger, group.GroupId, ex);
            return false;
        }
    }
}

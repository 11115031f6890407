using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Groups;

/// <summary>
/// OffsetCommit, OffsetFetch and OffsetDelete: the coordinator decides who may commit or delete and what
/// becomes of the group; the <see cref="OffsetManager"/> does the offsets' part.
/// </summary>
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
            return OffsetManager.AllFailed(offsets, ErrorCode.InvalidGroupId);
        }

        if (!Coordinates(groupId))
        {
            return OffsetManager.AllFailed(offsets, ErrorCode.NotCoordinator);
        }

        ClassicGroup? group;
        try
        {
            group = await GetOrLoadGroupAsync(groupId, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            GroupCoordinatorLog.StoreReadFailed(_logger, groupId, ex);
            return OffsetManager.AllFailed(offsets, ErrorCode.CoordinatorNotAvailable);
        }

        if (group is null)
        {
            if (generationId >= 0)
            {
                // A group this coordinator never had: a commit from an older generation, reject it.
                return OffsetManager.AllFailed(offsets, ErrorCode.IllegalGeneration);
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
                    return OffsetManager.AllFailed(offsets, error);
                }
            }

            return await _offsets.CommitAsync(group, offsets, Now, ct).ConfigureAwait(false);
        }
        finally
        {
            group.StoreGate.Release();
        }
    }

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

    /// <summary>OffsetFetch; <paramref name="partitions"/> null means every committed partition of the group.</summary>
    public Task<OffsetFetchResult> FetchOffsetsAsync(string groupId, IReadOnlyList<(string Topic, int Partition)>? partitions, CancellationToken ct) =>
        FetchOffsetsAsync(groupId, partitions, requireStable: false, ct);

    /// <summary>
    /// OffsetFetch. With <paramref name="requireStable"/> (v7+, sent by read_committed consumers, KIP-447) a
    /// partition for which an open transaction holds an offset answers UNSTABLE_OFFSET_COMMIT, so the
    /// consumer retries rather than start from an offset that the transaction is about to replace.
    /// </summary>
    public async Task<OffsetFetchResult> FetchOffsetsAsync(string groupId, IReadOnlyList<(string Topic, int Partition)>? partitions, bool requireStable, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(groupId))
        {
            return new OffsetFetchResult(ErrorCode.InvalidGroupId, []);
        }

        if (!Coordinates(groupId))
        {
            return OffsetManager.FetchFailed(ErrorCode.NotCoordinator, partitions);
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

        return OffsetManager.Fetch(group, partitions, requireStable);
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

            if (!await _offsets.DeleteAsync(group, deletable, ct).ConfigureAwait(false))
            {
                return new OffsetDeleteResult(ErrorCode.CoordinatorNotAvailable, []);
            }

            bool removeGroup;
            lock (group.Lock)
            {
                OffsetManager.Forget(group, deletable);

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
}

using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Groups;

/// <summary>
/// Offsets committed inside transactions (KIP-98's TxnOffsetCommit, KIP-447's generation checks). They are
/// stored at once but stay pending, invisible to OffsetFetch, until the transaction's marker for the
/// group's __consumer_offsets partition arrives here: COMMIT makes them the committed offsets, ABORT drops them.
/// </summary>
public sealed partial class GroupCoordinator
{
    /// <summary>
    /// TxnOffsetCommit. <paramref name="offsetsPartition"/> is the group's __consumer_offsets partition. Member
    /// checks as Kafka makes them for transactional commits: a named member must be in the group, a
    /// generation (≥ 0) must be the group's, a static member must not be fenced; no check on the group's state.
    /// <paramref name="verifyTransaction"/> asks the transaction's state whether this producer, at this epoch,
    /// has an open transaction that includes the offsets partition (what Kafka's producer-state check on the
    /// offsets log and KIP-890's verification give). It runs under the partition's marker lock, so a
    /// transaction is either verified and staged before its marker completes it, or seen as ended.
    /// </summary>
    public async Task<OffsetCommitResult> CommitTransactionalOffsetsAsync(
        string groupId, int offsetsPartition, long producerId, int generationId, string? memberId, string? groupInstanceId,
        IReadOnlyList<OffsetCommitEntry> offsets, Func<CancellationToken, ValueTask<ErrorCode>> verifyTransaction, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(verifyTransaction);
        ArgumentNullException.ThrowIfNull(offsets);
        memberId ??= NoMemberId;
        if (string.IsNullOrEmpty(groupId))
        {
            return OffsetManager.AllFailed(offsets, ErrorCode.InvalidGroupId);
        }

        if (!Coordinates(groupId))
        {
            return OffsetManager.AllFailed(offsets, ErrorCode.NotCoordinator);
        }

        ClassicGroup group;
        try
        {
            group = await GetOrCreateGroupAsync(groupId, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            GroupCoordinatorLog.StoreReadFailed(_logger, groupId, ex);
            return OffsetManager.AllFailed(offsets, ErrorCode.CoordinatorNotAvailable);
        }

        var markerLock = MarkerLock(offsetsPartition);
        await markerLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var verified = await verifyTransaction(ct).ConfigureAwait(false);
            if (verified != ErrorCode.None)
            {
                return OffsetManager.AllFailed(offsets, verified);
            }

            await group.StoreGate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                lock (group.Lock)
                {
                    var error = ValidateTransactionalCommit(group, generationId, memberId, groupInstanceId);
                    if (error != ErrorCode.None)
                    {
                        return OffsetManager.AllFailed(offsets, error);
                    }
                }

                return await _offsets.StageAsync(group, offsetsPartition, producerId, offsets, Now, ct).ConfigureAwait(false);
            }
            finally
            {
                group.StoreGate.Release();
            }
        }
        finally
        {
            markerLock.Release();
        }
    }

    /// <summary>
    /// A transaction marker for <paramref name="offsetsPartition"/> (WriteTxnMarkers): completes the producer's
    /// pending offsets in every group of that partition. Idempotent, so the coordinator may resend it.
    /// Returns NONE, or COORDINATOR_NOT_AVAILABLE when the store failed (the sender retries).
    /// </summary>
    public async Task<ErrorCode> CompleteTransactionAsync(int offsetsPartition, long producerId, bool commit, CancellationToken ct)
    {
        var markerLock = MarkerLock(offsetsPartition);
        await markerLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await CompleteTransactionLockedAsync(offsetsPartition, producerId, commit, ct).ConfigureAwait(false);
        }
        finally
        {
            markerLock.Release();
        }
    }

    private SemaphoreSlim MarkerLock(int offsetsPartition) => _markerLocks.GetOrAdd(offsetsPartition, _ => new SemaphoreSlim(1, 1));

    private async Task<ErrorCode> CompleteTransactionLockedAsync(int offsetsPartition, long producerId, bool commit, CancellationToken ct)
    {
        IReadOnlyList<string> groupIds;
        try
        {
            groupIds = await _store.PendingGroupsAsync(offsetsPartition, producerId, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            GroupCoordinatorLog.StoreReadFailed(_logger, $"(pending offsets of producer {producerId})", ex);
            return ErrorCode.CoordinatorNotAvailable;
        }

        foreach (var groupId in groupIds)
        {
            var error = await CompleteTransactionAsync(groupId, offsetsPartition, producerId, commit, ct).ConfigureAwait(false);
            if (error != ErrorCode.None)
            {
                return error;
            }
        }

        return ErrorCode.None;
    }

    private async Task<ErrorCode> CompleteTransactionAsync(string groupId, int offsetsPartition, long producerId, bool commit, CancellationToken ct)
    {
        // A group that is not loaded needs no cache update: its next load reads the store after this.
        _groups.TryGetValue(groupId, out var group);
        if (group is not null)
        {
            await group.StoreGate.WaitAsync(ct).ConfigureAwait(false);
        }

        try
        {
            var committed = await _store.CompletePendingAsync(groupId, offsetsPartition, producerId, commit, ct).ConfigureAwait(false);
            if (group is not null)
            {
                lock (group.Lock)
                {
                    group.PendingTransactionalOffsets.Remove(producerId);
                    foreach (var offset in committed)
                    {
                        group.Offsets[(offset.Topic, offset.Partition)] = offset;
                    }
                }
            }

            return ErrorCode.None;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            GroupCoordinatorLog.StoreWriteFailed(_logger, groupId, ex);
            return ErrorCode.CoordinatorNotAvailable;
        }
        finally
        {
            group?.StoreGate.Release();
        }
    }

    private static ErrorCode ValidateTransactionalCommit(ClassicGroup group, int generationId, string memberId, string? groupInstanceId)
    {
        if (group.State == GroupState.Dead)
        {
            return ErrorCode.CoordinatorNotAvailable;
        }

        if (groupInstanceId is not null && group.StaticMemberId(groupInstanceId) is { } current && current != memberId)
        {
            return ErrorCode.FencedInstanceId;
        }

        if (memberId.Length > 0 && !group.TryGetMember(memberId, out _))
        {
            return ErrorCode.UnknownMemberId;
        }

        return generationId >= 0 && generationId != group.GenerationId ? ErrorCode.IllegalGeneration : ErrorCode.None;
    }
}

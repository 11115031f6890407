using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Groups;

public sealed partial class GroupCoordinator
{
    /// <summary>
    /// SyncGroup. In CompletingRebalance the task completes when the leader's assignment is durable
    /// (the group record is saved) and the group is Stable; in Stable it answers at once.
    /// </summary>
    public async Task<SyncGroupResult> SyncGroupAsync(SyncGroupCommand cmd, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cmd);
        if (string.IsNullOrEmpty(cmd.GroupId))
        {
            return SyncGroupResult.Failed(ErrorCode.InvalidGroupId);
        }

        if (!Coordinates(cmd.GroupId))
        {
            return SyncGroupResult.Failed(ErrorCode.NotCoordinator);
        }

        // A group this coordinator does not hold has no members (a loaded group starts Empty).
        if (!_groups.TryGetValue(cmd.GroupId, out var group))
        {
            return SyncGroupResult.Failed(ErrorCode.UnknownMemberId);
        }

        Task<SyncGroupResult> pending;
        var leaderAssigns = false;
        lock (group.Lock)
        {
            var error = ValidateSync(group, cmd);
            if (error != ErrorCode.None)
            {
                return SyncGroupResult.Failed(error);
            }

            group.TryGetMember(cmd.MemberId, out var member);
            switch (group.State)
            {
                case GroupState.Empty:
                    return SyncGroupResult.Failed(ErrorCode.UnknownMemberId);
                case GroupState.PreparingRebalance:
                    return SyncGroupResult.Failed(ErrorCode.RebalanceInProgress);
                case GroupState.Stable:
                    TouchSession(group, member, member.SessionTimeoutMs);
                    return new SyncGroupResult(ErrorCode.None, group.ProtocolType, group.ProtocolName, member.Assignment);
                default:
                    member.AwaitingSync ??= new TaskCompletionSource<SyncGroupResult>(TaskCreationOptions.RunContinuationsAsynchronously);
                    pending = member.AwaitingSync.Task;
                    leaderAssigns = group.IsLeader(member.MemberId);
                    break;
            }
        }

        if (leaderAssigns)
        {
            // Not tied to the leader's request: if the leader goes away, the others still get their assignments.
            _ = PersistAssignmentAsync(group, cmd.GenerationId, cmd.Assignments);
        }

        return await pending.WaitAsync(ct).ConfigureAwait(false);
    }

    private static ErrorCode ValidateSync(ClassicGroup group, SyncGroupCommand cmd)
    {
        if (group.State == GroupState.Dead)
        {
            return ErrorCode.CoordinatorNotAvailable;
        }

        var error = ValidateMember(group, cmd.MemberId, cmd.GroupInstanceId);
        if (error != ErrorCode.None)
        {
            return error;
        }

        if (cmd.GenerationId != group.GenerationId)
        {
            return ErrorCode.IllegalGeneration;
        }

        if ((cmd.ProtocolType is not null && cmd.ProtocolType != group.ProtocolType)
            || (cmd.ProtocolName is not null && cmd.ProtocolName != group.ProtocolName))
        {
            return ErrorCode.InconsistentGroupProtocol;
        }

        return ErrorCode.None;
    }

    private async Task PersistAssignmentAsync(ClassicGroup group, int generationId, IReadOnlyList<(string MemberId, byte[] Assignment)> assignments)
    {
        try
        {
            await group.StoreGate.WaitAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            // Members the leader left out get an empty assignment, as in Kafka; unknown member ids are ignored.
            var byMember = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            GroupRecord record;
            lock (group.Lock)
            {
                if (group.State != GroupState.CompletingRebalance || group.GenerationId != generationId)
                {
                    return;
                }

                foreach (var member in group.Members)
                {
                    byMember[member.MemberId] = [];
                }

                foreach (var (memberId, assignment) in assignments)
                {
                    if (byMember.ContainsKey(memberId))
                    {
                        byMember[memberId] = assignment ?? [];
                    }
                }

                record = group.ToRecord(Now, byMember);
            }

            var error = ErrorCode.None;
            try
            {
                await SaveRecordAsync(record, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (GroupRecordTooLargeException ex)
            {
                // Kafka answers UNKNOWN_SERVER_ERROR when the group metadata record is too large to append.
                GroupCoordinatorLog.StoreWriteFailed(_logger, group.GroupId, ex);
                error = ErrorCode.UnknownServerError;
            }
            catch (Exception ex)
            {
                GroupCoordinatorLog.StoreWriteFailed(_logger, group.GroupId, ex);
                error = ErrorCode.CoordinatorNotAvailable;
            }

            lock (group.Lock)
            {
                if (group.State != GroupState.CompletingRebalance || group.GenerationId != generationId)
                {
                    return;
                }

                if (error != ErrorCode.None)
                {
                    ResetAndPropagateAssignmentError(group, error);
                    MaybePrepareRebalance(group, "the group record could not be stored");
                    return;
                }

                group.TransitionTo(GroupState.Stable, Now);
                foreach (var member in group.Members)
                {
                    member.Assignment = byMember[member.MemberId];
                    if (member.AwaitingSync is { } sync)
                    {
                        member.AwaitingSync = null;
                        sync.TrySetResult(new SyncGroupResult(ErrorCode.None, group.ProtocolType, group.ProtocolName, member.Assignment));
                        TouchSession(group, member, member.SessionTimeoutMs);
                    }
                }

                GroupCoordinatorLog.Stabilized(_logger, group.GroupId, group.GenerationId);
            }
        }
        finally
        {
            group.StoreGate.Release();
        }
    }

    /// <summary>Heartbeat: keeps the session alive and tells the member whether a rebalance is under way.</summary>
    public ErrorCode Heartbeat(string groupId, int generationId, string memberId, string? groupInstanceId)
    {
        if (string.IsNullOrEmpty(groupId))
        {
            return ErrorCode.InvalidGroupId;
        }

        if (!Coordinates(groupId))
        {
            return ErrorCode.NotCoordinator;
        }

        // Kafka answers UNKNOWN_MEMBER_ID for a group it does not know.
        if (!_groups.TryGetValue(groupId, out var group))
        {
            return ErrorCode.UnknownMemberId;
        }

        lock (group.Lock)
        {
            if (group.State == GroupState.Dead)
            {
                return ErrorCode.CoordinatorNotAvailable;
            }

            var error = ValidateMember(group, memberId, groupInstanceId);
            if (error != ErrorCode.None)
            {
                return error;
            }

            if (generationId != group.GenerationId)
            {
                return ErrorCode.IllegalGeneration;
            }

            if (group.State == GroupState.Empty)
            {
                return ErrorCode.UnknownMemberId;
            }

            group.TryGetMember(memberId, out var member);
            TouchSession(group, member, member.SessionTimeoutMs);
            return group.State == GroupState.PreparingRebalance ? ErrorCode.RebalanceInProgress : ErrorCode.None;
        }
    }

    /// <summary>
    /// LeaveGroup (v3+ batch; older versions pass one member). A member may be named by member id, by
    /// group instance id (static members), or both, in which case both must match.
    /// </summary>
    public LeaveGroupResult LeaveGroup(string groupId, IReadOnlyList<(string MemberId, string? GroupInstanceId)> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (string.IsNullOrEmpty(groupId))
        {
            return new LeaveGroupResult(ErrorCode.InvalidGroupId, []);
        }

        if (!Coordinates(groupId))
        {
            return new LeaveGroupResult(ErrorCode.NotCoordinator, []);
        }

        if (!_groups.TryGetValue(groupId, out var group))
        {
            return new LeaveGroupResult(ErrorCode.None, members.Select(m => new LeaveResult(m.MemberId, m.GroupInstanceId, ErrorCode.UnknownMemberId)).ToList());
        }

        lock (group.Lock)
        {
            if (group.State == GroupState.Dead)
            {
                return new LeaveGroupResult(ErrorCode.CoordinatorNotAvailable, []);
            }

            var results = new List<LeaveResult>(members.Count);
            foreach (var (memberId, instanceId) in members)
            {
                results.Add(new LeaveResult(memberId, instanceId, LeaveOne(group, memberId ?? NoMemberId, instanceId)));
            }

            return new LeaveGroupResult(ErrorCode.None, results);
        }
    }

    private ErrorCode LeaveOne(ClassicGroup group, string memberId, string? instanceId)
    {
        if (memberId.Length > 0 && group.RemovePending(memberId))
        {
            TryCompleteJoin(group);
            return ErrorCode.None;
        }

        if (memberId.Length == 0)
        {
            memberId = instanceId is null ? NoMemberId : group.StaticMemberId(instanceId) ?? NoMemberId;
            if (memberId.Length == 0)
            {
                return ErrorCode.UnknownMemberId;
            }
        }

        var error = ValidateMember(group, memberId, instanceId);
        if (error != ErrorCode.None)
        {
            return error;
        }

        group.TryGetMember(memberId, out var member);
        RemoveMemberAndUpdateGroup(group, member, "left the group");
        return ErrorCode.None;
    }
}

using Fjord.Protocol;

namespace Fjord.Groups;

public sealed partial class GroupCoordinator
{
    /// <summary>
    /// JoinGroup. A long poll: the task completes when the group's join phase completes (or at once with
    /// an error, MEMBER_ID_REQUIRED, or the current generation for a rejoin that changes nothing).
    /// Cancelling <paramref name="ct"/> stops waiting but leaves the member joined, as Kafka would.
    /// </summary>
    public async Task<JoinGroupResult> JoinGroupAsync(JoinGroupCommand cmd, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cmd);
        if (string.IsNullOrEmpty(cmd.GroupId))
        {
            return JoinGroupResult.Failed(ErrorCode.InvalidGroupId, cmd.MemberId);
        }

        if (!Coordinates(cmd.GroupId))
        {
            return JoinGroupResult.Failed(ErrorCode.NotCoordinator, cmd.MemberId);
        }

        if (cmd.SessionTimeoutMs < _config.GroupMinSessionTimeoutMs || cmd.SessionTimeoutMs > _config.GroupMaxSessionTimeoutMs)
        {
            return JoinGroupResult.Failed(ErrorCode.InvalidSessionTimeout, cmd.MemberId);
        }

        ClassicGroup? group;
        try
        {
            group = cmd.MemberId.Length == 0
                ? await GetOrCreateGroupAsync(cmd.GroupId, ct).ConfigureAwait(false)
                : await GetOrLoadGroupAsync(cmd.GroupId, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            GroupCoordinatorLog.StoreReadFailed(_logger, cmd.GroupId, ex);
            return JoinGroupResult.Failed(ErrorCode.CoordinatorNotAvailable, cmd.MemberId);
        }

        if (group is null)
        {
            return JoinGroupResult.Failed(ErrorCode.UnknownMemberId, cmd.MemberId);
        }

        Task<JoinGroupResult> pending;
        var persistFirst = false;
        lock (group.Lock)
        {
            pending = JoinLocked(group, cmd, ref persistFirst);
        }

        if (persistFirst)
        {
            // A static member replaced without a rebalance: Kafka persists the new member id before answering.
            if (!await SaveCurrentGroupAsync(group, ct).ConfigureAwait(false))
            {
                return JoinGroupResult.Failed(ErrorCode.CoordinatorNotAvailable, cmd.MemberId);
            }
        }

        return await pending.WaitAsync(ct).ConfigureAwait(false);
    }

    private Task<JoinGroupResult> JoinLocked(ClassicGroup group, JoinGroupCommand cmd, ref bool persistFirst)
    {
        if (group.State == GroupState.Dead)
        {
            // Deleted concurrently: the client rediscovers the coordinator and rejoins a fresh group.
            return Task.FromResult(JoinGroupResult.Failed(ErrorCode.CoordinatorNotAvailable, cmd.MemberId));
        }

        if (!AcceptsJoiningMember(group, cmd.MemberId))
        {
            return Task.FromResult(JoinGroupResult.Failed(ErrorCode.GroupMaxSizeReached, cmd.MemberId));
        }

        if (!group.SupportsProtocols(cmd.ProtocolType, cmd.Protocols))
        {
            return Task.FromResult(JoinGroupResult.Failed(ErrorCode.InconsistentGroupProtocol, cmd.MemberId));
        }

        var result = cmd.MemberId.Length == 0
            ? JoinNewMember(group, cmd, ref persistFirst)
            : JoinCurrentMember(group, cmd);

        if (group.State == GroupState.PreparingRebalance)
        {
            TryCompleteJoin(group);
        }

        return result;
    }

    /// <summary>
    /// Kafka's acceptJoiningMember (group.max.size): while preparing a rebalance, the members already
    /// awaiting the join are counted (so a lowered limit kicks out the last rejoiners); otherwise the group size.
    /// </summary>
    private bool AcceptsJoiningMember(ClassicGroup group, string memberId)
    {
        GroupMember? member = null;
        var known = memberId.Length > 0 && group.TryGetMember(memberId, out member);
        return group.State switch
        {
            GroupState.Empty or GroupState.Dead => true,
            GroupState.PreparingRebalance =>
                (known && member!.AwaitingJoin is not null) || group.AwaitingJoinCount < _config.GroupMaxSize,
            _ => known || group.MemberCount < _config.GroupMaxSize,
        };
    }

    private Task<JoinGroupResult> JoinNewMember(ClassicGroup group, JoinGroupCommand cmd, ref bool persistFirst)
    {
        var newMemberId = (cmd.GroupInstanceId ?? cmd.ClientId) + "-" + Guid.NewGuid().ToString("D");
        if (cmd.GroupInstanceId is not null)
        {
            // Static members skip MEMBER_ID_REQUIRED (KIP-345): the instance id already identifies them.
            var oldMemberId = group.StaticMemberId(cmd.GroupInstanceId);
            return oldMemberId is null
                ? AddMemberAndRebalance(group, cmd, newMemberId)
                : UpdateStaticMemberAndRebalance(group, cmd, oldMemberId, newMemberId, ref persistFirst);
        }

        if (cmd.RequireKnownMemberId)
        {
            // KIP-394: the member id is handed out first and only counts once the client rejoins with it,
            // so a client that retries joins with no id cannot flood the group with phantom members.
            var expiry = _time.CreateTimer(
                _ => OnPendingMemberExpired(group, newMemberId), null, TimeSpan.FromMilliseconds(cmd.SessionTimeoutMs), Timeout.InfiniteTimeSpan);
            group.AddPending(newMemberId, expiry);
            return Task.FromResult(JoinGroupResult.Failed(ErrorCode.MemberIdRequired, newMemberId));
        }

        return AddMemberAndRebalance(group, cmd, newMemberId);
    }

    private Task<JoinGroupResult> JoinCurrentMember(ClassicGroup group, JoinGroupCommand cmd)
    {
        if (group.IsPending(cmd.MemberId))
        {
            if (cmd.GroupInstanceId is not null)
            {
                return Task.FromResult(JoinGroupResult.Failed(ErrorCode.UnknownMemberId, cmd.MemberId));
            }

            group.RemovePending(cmd.MemberId);
            return AddMemberAndRebalance(group, cmd, cmd.MemberId);
        }

        var error = ValidateMember(group, cmd.MemberId, cmd.GroupInstanceId);
        if (error != ErrorCode.None)
        {
            return Task.FromResult(JoinGroupResult.Failed(error, cmd.MemberId));
        }

        group.TryGetMember(cmd.MemberId, out var member);
        switch (group.State)
        {
            case GroupState.PreparingRebalance:
                return UpdateMemberAndRebalance(group, member, cmd, "member rejoined");

            case GroupState.CompletingRebalance when member.Matches(cmd.Protocols):
                // The member lost its join response: send it again rather than start another rebalance.
                return Task.FromResult(CurrentGeneration(group, member, includeMembers: group.IsLeader(member.MemberId)));

            case GroupState.CompletingRebalance:
                return UpdateMemberAndRebalance(group, member, cmd, "member changed its protocols");

            case GroupState.Stable when group.IsLeader(member.MemberId) || !member.Matches(cmd.Protocols):
                // A leader's rejoin means it wants a new assignment (e.g. its metadata changed).
                return UpdateMemberAndRebalance(group, member, cmd, "leader or changed member rejoined");

            case GroupState.Stable:
                TouchSession(group, member, member.SessionTimeoutMs);
                return Task.FromResult(CurrentGeneration(group, member, includeMembers: false));

            default:
                return Task.FromResult(JoinGroupResult.Failed(ErrorCode.UnknownMemberId, cmd.MemberId));
        }
    }

    private Task<JoinGroupResult> AddMemberAndRebalance(ClassicGroup group, JoinGroupCommand cmd, string memberId)
    {
        if (group.State == GroupState.PreparingRebalance && group.GenerationId == 0)
        {
            group.NewMemberAdded = true;
        }

        var member = group.Add(
            memberId, cmd.GroupInstanceId, cmd.ClientId, cmd.ClientHost, cmd.ProtocolType, cmd.Protocols, cmd.RebalanceTimeoutMs, cmd.SessionTimeoutMs);
        var join = NewJoinCompletion();
        group.SetAwaitingJoin(member, join);
        TouchSession(group, member, NewMemberJoinTimeoutMs);
        MaybePrepareRebalance(group, cmd.Reason ?? $"adding new member {memberId}");
        return join.Task;
    }

    private Task<JoinGroupResult> UpdateMemberAndRebalance(ClassicGroup group, GroupMember member, JoinGroupCommand cmd, string reason)
    {
        group.UpdateProtocols(member, cmd.Protocols, cmd.RebalanceTimeoutMs, cmd.SessionTimeoutMs);

        // A retried join shares the pending answer instead of orphaning the first request.
        var join = member.AwaitingJoin ?? NewJoinCompletion();
        group.SetAwaitingJoin(member, join);
        MaybePrepareRebalance(group, cmd.Reason ?? reason);
        return join.Task;
    }

    private Task<JoinGroupResult> UpdateStaticMemberAndRebalance(
        ClassicGroup group, JoinGroupCommand cmd, string oldMemberId, string newMemberId, ref bool persistFirst)
    {
        group.TryGetMember(oldMemberId, out var member);

        // The old incarnation is fenced: whatever it is still waiting for ends with FENCED_INSTANCE_ID.
        if (member.AwaitingJoin is { } oldJoin)
        {
            group.SetAwaitingJoin(member, null);
            oldJoin.TrySetResult(JoinGroupResult.Failed(ErrorCode.FencedInstanceId, oldMemberId));
        }

        member.AwaitingSync?.TrySetResult(SyncGroupResult.Failed(ErrorCode.FencedInstanceId));
        member.AwaitingSync = null;
        group.ReplaceStaticMember(member, newMemberId);
        group.UpdateProtocols(member, cmd.Protocols, cmd.RebalanceTimeoutMs, cmd.SessionTimeoutMs);
        TouchSession(group, member, member.SessionTimeoutMs);
        GroupCoordinatorLog.StaticMemberReplaced(_logger, cmd.GroupInstanceId!, group.GroupId, oldMemberId, newMemberId);

        switch (group.State)
        {
            case GroupState.Stable when group.SelectProtocol() == group.ProtocolName:
                // KIP-345: a static member's restart must not rebalance the group; it keeps its
                // assignment and fetches it with SyncGroup. A leader on v9+ is told to skip assigning (KIP-814).
                persistFirst = true;
                var isLeader = group.IsLeader(newMemberId);
                var skip = isLeader && cmd.SupportsSkipAssignment;
                return Task.FromResult(CurrentGeneration(group, member, includeMembers: skip) with { SkipAssignment = skip });

            case GroupState.Stable:
            case GroupState.CompletingRebalance:
                // In CompletingRebalance the leader may already be assigning to the old member id,
                // so the assignment would miss the new one: rebalance.
                return UpdateMemberAndRebalance(group, member, cmd, $"static member {cmd.GroupInstanceId} rejoined");

            default:
                var join = NewJoinCompletion();
                group.SetAwaitingJoin(member, join);
                return join.Task;
        }
    }

    private static JoinGroupResult CurrentGeneration(ClassicGroup group, GroupMember member, bool includeMembers) =>
        new(ErrorCode.None, group.GenerationId, group.ProtocolType, group.ProtocolName, group.LeaderId ?? "", member.MemberId, false,
            includeMembers ? group.CurrentMemberMetadata() : []);

    private static TaskCompletionSource<JoinGroupResult> NewJoinCompletion() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

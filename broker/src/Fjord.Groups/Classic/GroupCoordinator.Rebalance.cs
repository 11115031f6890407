using Fjord.Protocol;

namespace Fjord.Groups;

public sealed partial class GroupCoordinator
{
    private void MaybePrepareRebalance(ClassicGroup group, string reason)
    {
        if (group.State is GroupState.Stable or GroupState.CompletingRebalance or GroupState.Empty)
        {
            PrepareRebalance(group, reason);
        }
    }

    private void PrepareRebalance(ClassicGroup group, string reason)
    {
        if (group.State == GroupState.CompletingRebalance)
        {
            ResetAndPropagateAssignmentError(group, ErrorCode.RebalanceInProgress);
        }

        // group.initial.rebalance.delay.ms: the first member of an Empty group waits for its peers, so a
        // group that starts together does not rebalance once per arriving member.
        var initial = group.State == GroupState.Empty && _config.GroupInitialRebalanceDelayMs > 0;
        group.TransitionTo(GroupState.PreparingRebalance, Now);
        GroupCoordinatorLog.PreparingRebalance(_logger, group.GroupId, group.GenerationId, reason);
        if (initial)
        {
            group.InInitialDelay = true;
            group.NewMemberAdded = false;
            group.InitialDelayRemainingMs = Math.Max(group.RebalanceTimeoutMs - _config.GroupInitialRebalanceDelayMs, 0);
            ScheduleJoinTimer(group, _config.GroupInitialRebalanceDelayMs);
        }
        else
        {
            group.InInitialDelay = false;
            ScheduleJoinTimer(group, group.RebalanceTimeoutMs);
            TryCompleteJoin(group);
        }
    }

    private void ScheduleJoinTimer(ClassicGroup group, int delayMs)
    {
        group.JoinTimer?.Dispose();
        var epoch = ++group.JoinTimerEpoch;
        group.JoinTimer = _time.CreateTimer(
            _ => OnJoinTimer(group, epoch), null, TimeSpan.FromMilliseconds(delayMs), Timeout.InfiniteTimeSpan);
    }

    private void OnJoinTimer(ClassicGroup group, long epoch)
    {
        lock (group.Lock)
        {
            if (group.JoinTimerEpoch != epoch || group.State != GroupState.PreparingRebalance)
            {
                return;
            }

            if (group.InInitialDelay && group.NewMemberAdded && group.InitialDelayRemainingMs > 0)
            {
                // Kafka's InitialDelayedJoin: every new arrival buys another delay, capped by the rebalance timeout.
                group.NewMemberAdded = false;
                var delay = Math.Min(_config.GroupInitialRebalanceDelayMs, group.InitialDelayRemainingMs);
                group.InitialDelayRemainingMs = Math.Max(group.InitialDelayRemainingMs - _config.GroupInitialRebalanceDelayMs, 0);
                ScheduleJoinTimer(group, delay);
                return;
            }

            CompleteJoin(group);
        }
    }

    private void TryCompleteJoin(ClassicGroup group)
    {
        if (group.State == GroupState.PreparingRebalance && !group.InInitialDelay && group.HasAllMembersJoined)
        {
            CompleteJoin(group);
        }
    }

    private void CompleteJoin(ClassicGroup group)
    {
        group.JoinTimer?.Dispose();
        group.JoinTimer = null;
        group.JoinTimerEpoch++;
        group.InInitialDelay = false;

        // The rebalance timeout is over: members that did not rejoin are not part of the new generation.
        foreach (var member in group.Members.Where(m => m.AwaitingJoin is null).ToList())
        {
            RemoveMember(group, member, "did not rejoin within the rebalance timeout");
        }

        group.GenerationId++;
        var now = Now;
        if (group.MemberCount == 0)
        {
            group.ProtocolName = null;
            group.TransitionTo(GroupState.Empty, now);
            GroupCoordinatorLog.JoinCompleted(_logger, group.GroupId, group.GenerationId, 0, null);
            QueueSave(group);
            return;
        }

        group.ProtocolName = group.SelectProtocol();
        group.TransitionTo(GroupState.CompletingRebalance, now);
        GroupCoordinatorLog.JoinCompleted(_logger, group.GroupId, group.GenerationId, group.MemberCount, group.ProtocolName);
        var leaderMembers = group.CurrentMemberMetadata();
        foreach (var member in group.Members.ToList())
        {
            var join = member.AwaitingJoin!;
            group.SetAwaitingJoin(member, null);
            member.IsNew = false;
            member.Assignment = [];
            TouchSession(group, member, member.SessionTimeoutMs);
            var isLeader = group.IsLeader(member.MemberId);
            join.TrySetResult(new JoinGroupResult(
                ErrorCode.None, group.GenerationId, group.ProtocolType, group.ProtocolName, group.LeaderId!, member.MemberId, false,
                isLeader ? leaderMembers : []));
        }
    }

    private static void ResetAndPropagateAssignmentError(ClassicGroup group, ErrorCode error)
    {
        foreach (var member in group.Members)
        {
            member.Assignment = [];
            member.AwaitingSync?.TrySetResult(SyncGroupResult.Failed(error));
            member.AwaitingSync = null;
        }
    }

    /// <summary>Removes a member and lets the group react: rebalance, or finish a join that only waited for it.</summary>
    private void RemoveMemberAndUpdateGroup(ClassicGroup group, GroupMember member, string reason)
    {
        RemoveMember(group, member, reason);
        switch (group.State)
        {
            case GroupState.Stable:
            case GroupState.CompletingRebalance:
                MaybePrepareRebalance(group, reason);
                break;
            case GroupState.PreparingRebalance:
                TryCompleteJoin(group);
                break;
        }
    }

    private void RemoveMember(ClassicGroup group, GroupMember member, string reason)
    {
        member.AwaitingJoin?.TrySetResult(JoinGroupResult.Failed(ErrorCode.UnknownMemberId, member.MemberId));
        member.AwaitingSync?.TrySetResult(SyncGroupResult.Failed(ErrorCode.UnknownMemberId));
        member.AwaitingSync = null;
        group.Remove(member);
        GroupCoordinatorLog.MemberRemoved(_logger, member.MemberId, group.GroupId, reason);
    }

    /// <summary>Restarts the member's session.timeout.ms (Kafka's completeAndScheduleNextHeartbeatExpiration).</summary>
    private void TouchSession(ClassicGroup group, GroupMember member, int timeoutMs)
    {
        var due = TimeSpan.FromMilliseconds(timeoutMs);
        member.SessionDeadline = Now + due;
        if (member.SessionTimer is null)
        {
            member.SessionTimer = _time.CreateTimer(_ => OnSessionExpired(group, member), null, due, Timeout.InfiniteTimeSpan);
        }
        else
        {
            member.SessionTimer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnSessionExpired(ClassicGroup group, GroupMember member)
    {
        lock (group.Lock)
        {
            if (!group.Contains(member))
            {
                return;
            }

            var remaining = member.SessionDeadline - Now;
            if (remaining > TimeSpan.Zero)
            {
                // Timers may fire a little early, or the session was renewed meanwhile: wait out the rest.
                member.SessionTimer?.Change(remaining, Timeout.InfiniteTimeSpan);
                return;
            }

            // Kafka's hasSatisfiedHeartbeat: a member parked in a join or sync is alive by definition; the
            // rebalance timeout bounds the join and completing the join or sync restarts the session.
            if (member.AwaitingSync is not null || (member.AwaitingJoin is not null && !member.IsNew))
            {
                return;
            }

            RemoveMemberAndUpdateGroup(group, member, "session timeout expired");
        }
    }

    private void OnPendingMemberExpired(ClassicGroup group, string memberId)
    {
        lock (group.Lock)
        {
            if (group.RemovePending(memberId))
            {
                TryCompleteJoin(group);
            }
        }
    }
}

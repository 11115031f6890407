using Fjord.Protocol;

namespace Fjord.Groups;

public sealed partial class GroupCoordinator
{
    // Every group until the cluster's answer is wired in: a coordinator on its own owns them all.
    private volatile Func<string, bool> _coordinates = static _ => true;

    /// <summary>
    /// Tells the coordinator which groups are its own (in a cluster: those whose offsets partition this
    /// broker leads). Every group API answers NOT_COORDINATOR for any other group, and ListGroups and the
    /// expiry job leave them alone. Groups already in memory that are not owned are unloaded.
    /// </summary>
    public void UseOwnership(Func<string, bool> coordinates)
    {
        ArgumentNullException.ThrowIfNull(coordinates);
        _coordinates = coordinates;
        UnloadGroups(groupId => !coordinates(groupId));
    }

    /// <summary>True when this coordinator answers for <paramref name="groupId"/>.</summary>
    public bool Coordinates(string groupId) => _coordinates(groupId);

    /// <summary>
    /// Kafka's onResignation: forgets the matching groups, failing their waiting joins and syncs with
    /// NOT_COORDINATOR so members look for the new coordinator, which loads the committed offsets and
    /// group record from the store. A forgotten group is Dead first, so a save still in flight skips it
    /// rather than overwrite what the new coordinator writes. Returns how many groups were unloaded.
    /// </summary>
    public int UnloadGroups(Func<string, bool> unload)
    {
        ArgumentNullException.ThrowIfNull(unload);
        var unloaded = 0;
        foreach (var group in _groups.Values)
        {
            if (!unload(group.GroupId))
            {
                continue;
            }

            lock (group.Lock)
            {
                group.DisposeTimers();
                foreach (var member in group.Members)
                {
                    member.AwaitingJoin?.TrySetResult(JoinGroupResult.Failed(ErrorCode.NotCoordinator, member.MemberId));
                    member.AwaitingSync?.TrySetResult(SyncGroupResult.Failed(ErrorCode.NotCoordinator));
                }

                group.TransitionTo(GroupState.Dead, Now);
            }

            Unload(group);
            unloaded++;
        }

        if (unloaded > 0)
        {
            GroupCoordinatorLog.GroupsUnloaded(_logger, unloaded);
        }

        return unloaded;
    }
}

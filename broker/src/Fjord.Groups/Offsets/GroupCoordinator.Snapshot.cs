namespace Fjord.Groups;

public sealed partial class GroupCoordinator
{
    /// <summary>
    /// The committed offsets of the groups in memory that this broker coordinates, copied under each group's lock
    /// (no store access, so a metrics callback may call it). A group not touched since this broker became its
    /// coordinator is not loaded yet and is not listed; its consumers load it with their first request.
    /// </summary>
    public IReadOnlyList<GroupCommittedOffset> CommittedOffsets()
    {
        var offsets = new List<GroupCommittedOffset>();
        foreach (var group in _groups.Values)
        {
            if (!Coordinates(group.GroupId))
            {
                continue;
            }

            lock (group.Lock)
            {
                if (group.State == GroupState.Dead)
                {
                    continue;
                }

                foreach (var ((topic, partition), offset) in group.Offsets)
                {
                    offsets.Add(new GroupCommittedOffset(group.GroupId, topic, partition, offset.Offset));
                }
            }
        }

        return offsets;
    }
}

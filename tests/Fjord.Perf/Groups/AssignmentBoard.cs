using System.Diagnostics;

namespace Fjord.Perf.Groups;

/// <summary>
/// What each member believes it owns, as its rebalance callbacks report it (they run on the
/// member's own poll thread). The group is settled for a set of members when their partitions
/// cover the topic exactly once and each of them was assigned after a given moment: with the
/// eager protocol every member of a new generation is revoked and re-assigned, so an assignment
/// older than the leave belongs to the previous generation.
/// </summary>
internal sealed class AssignmentBoard
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, HashSet<int>> _owned = [];
    private readonly Dictionary<int, long> _assignedAt = [];
    private long _lastChange;

    public void Assigned(int member, IEnumerable<int> partitions)
    {
        lock (_lock)
        {
            if (!_owned.TryGetValue(member, out var set))
                _owned[member] = set = [];
            set.UnionWith(partitions);
            _lastChange = Stopwatch.GetTimestamp();
            _assignedAt[member] = _lastChange;
        }
    }

    /// <summary>Revoked or lost: the member no longer owns these partitions.</summary>
    public void Released(int member, IEnumerable<int> partitions)
    {
        lock (_lock)
        {
            if (_owned.TryGetValue(member, out var set))
                set.ExceptWith(partitions);
            _lastChange = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>A closed member owns nothing, whatever its last callback said.</summary>
    public void Forget(int member)
    {
        lock (_lock)
        {
            _owned.Remove(member);
            _assignedAt.Remove(member);
            _lastChange = Stopwatch.GetTimestamp();
        }
    }

    /// <returns>True with the timestamp of the last change when <paramref name="members"/> are settled.</returns>
    public bool IsSettled(IReadOnlyCollection<int> members, int partitions, long assignedAfter, out long settledAt)
    {
        lock (_lock)
        {
            settledAt = _lastChange;
            var owned = new List<IReadOnlyCollection<int>>(members.Count);
            foreach (var member in members)
            {
                if (!_assignedAt.TryGetValue(member, out var at) || at < assignedAfter)
                    return false;
                owned.Add(_owned.TryGetValue(member, out var set) ? set : []);
            }

            return CoversExactlyOnce(owned, partitions);
        }
    }

    public string Describe()
    {
        lock (_lock)
            return string.Join("; ", _owned.OrderBy(kv => kv.Key).Select(kv => $"member {kv.Key}: [{string.Join(',', kv.Value.Order())}]"));
    }

    /// <summary>Every partition 0..<paramref name="partitions"/>-1 is owned by exactly one member, and nothing else is owned.</summary>
    public static bool CoversExactlyOnce(IEnumerable<IReadOnlyCollection<int>> owned, int partitions)
    {
        var seen = new bool[partitions];
        var count = 0;
        foreach (var set in owned)
        {
            foreach (var partition in set)
            {
                if (partition < 0 || partition >= partitions || seen[partition])
                    return false;
                seen[partition] = true;
                count++;
            }
        }

        return count == partitions;
    }
}

using System.Collections.Concurrent;

namespace Fjord.Security.Authorization;

/// <summary>
/// Decisions already made against one ACL snapshot. It belongs to the snapshot, so a new snapshot starts with
/// an empty cache and a decision computed from the old ACLs can never be stored where the new ones are read.
/// Bounded: past its capacity it starts over, since a client cycling through names must not grow it forever.
/// </summary>
internal sealed class DecisionCache(int capacity)
{
    private readonly ConcurrentDictionary<DecisionKey, bool> _decisions = new();
    private int _count;

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The decision cache needs room for at least one decision.");

    /// <summary>An estimate (racing adds and clears may skew it by a few); ConcurrentDictionary.Count would take every lock.</summary>
    public int Count => Volatile.Read(ref _count);

    public bool TryGet(in DecisionKey key, out bool allowed) => _decisions.TryGetValue(key, out allowed);

    public void Add(in DecisionKey key, bool allowed)
    {
        if (!_decisions.TryAdd(key, allowed)) return;
        if (Interlocked.Increment(ref _count) <= Capacity) return;
        _decisions.Clear();
        Volatile.Write(ref _count, 0);
    }
}

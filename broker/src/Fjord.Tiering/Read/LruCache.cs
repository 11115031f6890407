namespace Fjord.Tiering;

/// <summary>
/// A least-recently-used map bounded by the total weight of its values (bytes for chunks, one per
/// entry for indexes). Not thread-safe: its owners call it under their own lock, which they also
/// need for their in-flight loads.
/// </summary>
internal sealed class LruCache<TKey, TValue>(long capacity, Func<TValue, long> weigh)
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value)>> _map = [];
    private readonly LinkedList<(TKey Key, TValue Value)> _order = new();
    private long _weight;

    public int Count => _map.Count;

    public long Weight => _weight;

    public bool TryGet(TKey key, out TValue value)
    {
        if (_map.TryGetValue(key, out var node))
        {
            _order.Remove(node);
            _order.AddFirst(node);
            value = node.Value.Value;
            return true;
        }

        value = default!;
        return false;
    }

    public bool Contains(TKey key) => _map.ContainsKey(key);

    public void Add(TKey key, TValue value)
    {
        if (_map.Remove(key, out var old))
        {
            _order.Remove(old);
            _weight -= weigh(old.Value.Value);
        }

        _map[key] = _order.AddFirst((key, value));
        _weight += weigh(value);
        // The newest entry stays even when it alone exceeds the capacity: its reader needs it now.
        while (_weight > capacity && _order.Last is { } last && last != _order.First)
        {
            _order.RemoveLast();
            _map.Remove(last.Value.Key);
            _weight -= weigh(last.Value.Value);
        }
    }
}

using System.Collections.Concurrent;

namespace Fjord.Broker.Fetch;

/// <summary>
/// The broker's incremental fetch sessions (KIP-227), bounded by
/// max.incremental.fetch.session.cache.slots; the least recently used session is evicted
/// when a new one needs a slot, and the evicted client falls back to a full fetch after
/// FETCH_SESSION_ID_NOT_FOUND.
/// </summary>
public sealed class FetchSessionCache(int maxSessions, TimeProvider time)
{
    private readonly ConcurrentDictionary<int, FetchSession> _sessions = new();
    private int _nextId = Random.Shared.Next(1, int.MaxValue / 2);

    public int Count => _sessions.Count;

    public FetchSession? Get(int id)
    {
        if (!_sessions.TryGetValue(id, out var session)) return null;
        session.LastUsedTicks = time.GetTimestamp();
        return session;
    }

    /// <returns>A new session, or null when sessions are disabled (a zero-slot cache).</returns>
    public FetchSession? Create()
    {
        if (maxSessions <= 0) return null;
        while (_sessions.Count >= maxSessions)
        {
            var oldest = _sessions.Values.MinBy(s => s.LastUsedTicks);
            if (oldest is null) break;
            _sessions.TryRemove(oldest.Id, out _);
        }
        int id;
        do { id = Interlocked.Increment(ref _nextId) & int.MaxValue; } while (id == 0 || _sessions.ContainsKey(id));
        var session = new FetchSession(id, time.GetTimestamp());
        _sessions[id] = session;
        return session;
    }

    public void Remove(int id) => _sessions.TryRemove(id, out _);
}

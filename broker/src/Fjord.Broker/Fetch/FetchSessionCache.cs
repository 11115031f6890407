using System.Collections.Concurrent;
using Fjord.Security.Principals;

namespace Fjord.Broker.Fetch;

/// <summary>
/// The broker's incremental fetch sessions (KIP-227), bounded by
/// max.incremental.fetch.session.cache.slots; the least recently used session is evicted
/// when a new one needs a slot, and the evicted client falls back to a full fetch after
/// FETCH_SESSION_ID_NOT_FOUND. A session belongs to the principal that opened it: to anyone else its id is
/// not found, so on a shared broker no tenant can read from, advance or close another's session.
/// </summary>
public sealed class FetchSessionCache(int maxSessions, TimeProvider time)
{
    private readonly ConcurrentDictionary<int, FetchSession> _sessions = new();

    public int Count => _sessions.Count;

    /// <returns>The session, or null when there is none with that id that <paramref name="owner"/> opened.</returns>
    public FetchSession? Get(int id, KafkaPrincipal owner)
    {
        if (!_sessions.TryGetValue(id, out var session) || session.Owner != owner) return null;
        session.LastUsedTicks = time.GetTimestamp();
        return session;
    }

    /// <returns>A new session, or null when sessions are disabled (a zero-slot cache).</returns>
    public FetchSession? Create(KafkaPrincipal owner)
    {
        if (maxSessions <= 0) return null;
        while (_sessions.Count >= maxSessions)
        {
            var oldest = _sessions.Values.MinBy(s => s.LastUsedTicks);
            if (oldest is null) break;
            _sessions.TryRemove(oldest.Id, out _);
        }
        // Random rather than sequential: an id tells nothing about the sessions opened before or after it.
        while (true)
        {
            var session = new FetchSession(Random.Shared.Next(1, int.MaxValue), owner, time.GetTimestamp());
            if (_sessions.TryAdd(session.Id, session)) return session;
        }
    }

    /// <summary>Closes the session if <paramref name="owner"/> opened it.</summary>
    public void Remove(int id, KafkaPrincipal owner)
    {
        if (_sessions.TryGetValue(id, out var session) && session.Owner == owner)
            _sessions.TryRemove(new KeyValuePair<int, FetchSession>(id, session));
    }
}

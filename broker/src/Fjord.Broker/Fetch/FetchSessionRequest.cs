using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Security.Principals;

namespace Fjord.Broker.Fetch;

/// <summary>
/// The request side of KIP-227 fetch sessions: which session a fetch belongs to (new, closed,
/// or the next epoch of an existing one) and which partitions it covers once the session's
/// cached partitions, this request's additions and its forgotten partitions are merged.
/// </summary>
public static class FetchSessionRequest
{
    /// <param name="owner">Who sends the fetch: sessions are per principal.</param>
    public static FetchSession? Open(FetchSessionCache cache, FetchRequest body, short version, KafkaPrincipal owner, out ErrorCode error, out bool incremental)
    {
        error = ErrorCode.None;
        incremental = false;
        if (version < 7) return null;
        switch (body.SessionEpoch)
        {
            case -1: // FINAL_EPOCH: close any session, then a sessionless full fetch.
                if (body.SessionId != 0) cache.Remove(body.SessionId, owner);
                return null;
            case 0: // INITIAL_EPOCH: a new full session.
                if (body.SessionId != 0) cache.Remove(body.SessionId, owner);
                return cache.Create(owner);
        }
        var session = cache.Get(body.SessionId, owner);
        if (session is null)
        {
            error = ErrorCode.FetchSessionIdNotFound;
            return null;
        }
        lock (session.Gate)
        {
            if (session.NextEpoch != body.SessionEpoch)
            {
                error = ErrorCode.InvalidFetchSessionEpoch;
                return null;
            }
            session.NextEpoch = session.NextEpoch == int.MaxValue ? 1 : session.NextEpoch + 1;
        }
        incremental = true;
        return session;
    }

    public static List<FetchTarget> Resolve(MetadataSnapshot snapshot, FetchRequest body, short version, FetchSession? session)
    {
        var byId = version >= 13;
        TopicMetadata? Lookup(string? name, Guid id) =>
            byId ? snapshot.TopicsById.GetValueOrDefault(id) : name is null ? null : snapshot.TopicsByName.GetValueOrDefault(name);

        if (session is null)
        {
            var direct = new List<FetchTarget>();
            foreach (var topic in body.Topics)
            {
                var metadata = Lookup(topic.Topic, topic.TopicId);
                foreach (var p in topic.Partitions)
                {
                    var cached = new CachedFetchPartition(new FetchPartitionKey(metadata?.Name ?? topic.Topic ?? "", topic.TopicId, p.Partition))
                    {
                        FetchOffset = p.FetchOffset,
                        MaxBytes = p.PartitionMaxBytes,
                        CurrentLeaderEpoch = p.CurrentLeaderEpoch,
                    };
                    direct.Add(new FetchTarget(cached, metadata, p.LastFetchedEpoch));
                }
            }
            return direct;
        }

        lock (session.Gate)
        {
            foreach (var forgotten in body.ForgottenTopicsData)
                foreach (var partition in forgotten.Partitions)
                    session.Forget(forgotten.Topic, forgotten.TopicId, partition);
            foreach (var topic in body.Topics)
            {
                var metadata = Lookup(topic.Topic, topic.TopicId);
                var name = metadata?.Name ?? topic.Topic ?? "";
                foreach (var p in topic.Partitions)
                    session.AddOrUpdate(new FetchPartitionKey(name, byId ? topic.TopicId : Guid.Empty, p.Partition), p.FetchOffset, p.PartitionMaxBytes, p.CurrentLeaderEpoch);
            }
            return session.Partitions.Select(p => new FetchTarget(p, byId ? snapshot.TopicsById.GetValueOrDefault(p.Key.TopicId) : snapshot.TopicsByName.GetValueOrDefault(p.Key.Topic))).ToList();
        }
    }
}

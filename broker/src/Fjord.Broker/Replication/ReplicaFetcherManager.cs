using Fjord.Broker.Partitions;
using Fjord.Cluster;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Replication;

/// <summary>One <see cref="ReplicaFetcher"/> per leader broker, created on demand and stopped when it has nothing left to fetch.</summary>
public sealed class ReplicaFetcherManager(ReplicaFetcherOptions options, InterBrokerConnector connector, ILoggerFactory loggers) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, ReplicaFetcher> _fetchers = [];
    private readonly Dictionary<TopicPartitionKey, int> _leaderOf = [];

    /// <summary>Fetch <paramref name="partition"/> from <paramref name="leaderId"/> under <paramref name="leaderEpoch"/>, moving it off any other leader.</summary>
    public void Follow(Partition partition, int leaderId, int leaderEpoch)
    {
        ReplicaFetcher? idle = null;
        lock (_lock)
        {
            if (_leaderOf.TryGetValue(partition.Key, out var previous) && previous != leaderId)
                idle = RemoveLocked(partition.Key);
            if (!_fetchers.TryGetValue(leaderId, out var fetcher))
            {
                fetcher = new ReplicaFetcher(leaderId, options, connector, loggers.CreateLogger<ReplicaFetcher>());
                _fetchers[leaderId] = fetcher;
            }
            fetcher.Add(partition, leaderEpoch);
            _leaderOf[partition.Key] = leaderId;
        }
        if (idle is not null) _ = idle.DisposeAsync().AsTask();
    }

    public void Unfollow(TopicPartitionKey key)
    {
        ReplicaFetcher? idle;
        lock (_lock)
            idle = RemoveLocked(key);
        if (idle is not null) _ = idle.DisposeAsync().AsTask();
    }

    private ReplicaFetcher? RemoveLocked(TopicPartitionKey key)
    {
        if (!_leaderOf.Remove(key, out var leaderId) || !_fetchers.TryGetValue(leaderId, out var fetcher)) return null;
        fetcher.Remove(key);
        if (!fetcher.IsEmpty) return null;
        _fetchers.Remove(leaderId);
        return fetcher;
    }

    public async ValueTask DisposeAsync()
    {
        ReplicaFetcher[] fetchers;
        lock (_lock)
        {
            fetchers = [.. _fetchers.Values];
            _fetchers.Clear();
            _leaderOf.Clear();
        }
        foreach (var fetcher in fetchers) await fetcher.DisposeAsync();
    }
}

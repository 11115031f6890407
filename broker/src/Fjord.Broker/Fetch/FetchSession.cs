using Fjord.Security.Principals;

namespace Fjord.Broker.Fetch;

/// <summary>A KIP-227 fetch session: the partitions a client fetches, kept between requests.</summary>
/// <param name="owner">The principal that opened it, the only one that may use it.</param>
public sealed class FetchSession(int id, KafkaPrincipal owner, long createdTicks)
{
    private readonly Dictionary<FetchPartitionKey, CachedFetchPartition> _partitions = [];
    // Kafka keeps session partitions in insertion order and answers in that order.
    private readonly List<CachedFetchPartition> _ordered = [];

    public int Id { get; } = id;
    public KafkaPrincipal Owner { get; } = owner;
    /// <summary>The epoch the next incremental request must carry.</summary>
    public int NextEpoch { get; set; } = 1;
    public long LastUsedTicks { get; set; } = createdTicks;
    public object Gate { get; } = new();

    public IReadOnlyList<CachedFetchPartition> Partitions => _ordered;

    public CachedFetchPartition AddOrUpdate(FetchPartitionKey key, long fetchOffset, int maxBytes, int currentLeaderEpoch)
    {
        if (!_partitions.TryGetValue(key, out var partition))
        {
            partition = new CachedFetchPartition(key);
            _partitions[key] = partition;
            _ordered.Add(partition);
        }
        partition.FetchOffset = fetchOffset;
        partition.MaxBytes = maxBytes;
        partition.CurrentLeaderEpoch = currentLeaderEpoch;
        return partition;
    }

    public void Remove(FetchPartitionKey key)
    {
        if (_partitions.Remove(key, out var partition)) _ordered.Remove(partition);
    }

    /// <summary>Forgotten topics name a topic and partitions, not always with both name and id.</summary>
    public void Forget(string? topic, Guid topicId, int partition)
    {
        var match = _ordered.FirstOrDefault(p => p.Key.Partition == partition &&
            (topicId != Guid.Empty ? p.Key.TopicId == topicId : p.Key.Topic == topic));
        if (match is not null) Remove(match.Key);
    }
}

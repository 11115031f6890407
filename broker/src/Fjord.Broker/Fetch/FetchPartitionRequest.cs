using Fjord.Cluster;

namespace Fjord.Broker.Fetch;

/// <summary>One partition of a fetch, with its topic as the metadata cache knows it (null: unknown).</summary>
public sealed record FetchPartitionRequest(
    TopicMetadata? Topic,
    FetchPartitionKey Key,
    long FetchOffset,
    int MaxBytes,
    int CurrentLeaderEpoch,
    int LastFetchedEpoch);

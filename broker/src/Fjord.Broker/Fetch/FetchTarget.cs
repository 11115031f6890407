using Fjord.Cluster;

namespace Fjord.Broker.Fetch;

/// <summary>A partition a fetch answers for: its session entry, its topic (null: unknown) and the follower's last fetched epoch.</summary>
public sealed record FetchTarget(CachedFetchPartition Partition, TopicMetadata? Topic, int LastFetchedEpoch = -1);

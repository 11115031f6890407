using Fjord.Broker.Partitions;
using Fjord.Broker.Replication;
using Fjord.Protocol;

namespace Fjord.Broker.Fetch;

/// <summary>A fetched partition resolved once, at the start of the fetch: its replica (if this broker leads it) or the error.</summary>
internal sealed class FetchPartitionStatus(FetchPartitionRequest request, Partition? partition, ErrorCode error)
{
    public FetchPartitionRequest Request { get; } = request;

    public Partition? Partition { get; } = partition;

    public ErrorCode Error { get; } = error;

    /// <summary>The leader epoch the partition was resolved at: a change means leadership moved meanwhile.</summary>
    public int LeaderEpoch { get; } = partition?.LeaderEpoch ?? -1;

    /// <summary>Bytes fetchable now, as last estimated for the delayed-fetch check.</summary>
    public long AvailableBytes { get; set; }
}

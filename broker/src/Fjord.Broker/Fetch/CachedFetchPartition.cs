namespace Fjord.Broker.Fetch;

/// <summary>
/// One partition of an incremental fetch session (KIP-227): what the client last asked for
/// and what it was last told, so an incremental response can leave out unchanged partitions.
/// </summary>
public sealed class CachedFetchPartition(FetchPartitionKey key)
{
    public FetchPartitionKey Key { get; } = key;
    public long FetchOffset { get; set; }
    public int MaxBytes { get; set; }
    public int CurrentLeaderEpoch { get; set; } = -1;
    public long LastSentHighWatermark { get; set; } = -1;
    public long LastSentLogStartOffset { get; set; } = -1;

    /// <summary>Whether an incremental response must carry this partition (KIP-227's rules).</summary>
    public bool MustRespond(long highWatermark, long logStartOffset, int recordBytes, bool hasError) =>
        hasError || recordBytes > 0 || highWatermark != LastSentHighWatermark || logStartOffset != LastSentLogStartOffset;

    public void MarkSent(long highWatermark, long logStartOffset)
    {
        LastSentHighWatermark = highWatermark;
        LastSentLogStartOffset = logStartOffset;
    }
}

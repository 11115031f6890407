namespace Fjord.Broker.Partitions;

/// <summary>
/// What a leader knows of one follower (Kafka's Replica state): its log end offset as of its last
/// fetch, and when it was last caught up — the clock replica.lag.time.max.ms is measured against.
/// </summary>
internal sealed class FollowerProgress(int brokerId, long nowMs)
{
    public int BrokerId { get; } = brokerId;

    /// <summary>-1 until the follower's first fetch under this leadership: its log end offset is unknown.</summary>
    public long LogEndOffset { get; set; } = -1;

    public long LastCaughtUpMs { get; set; } = nowMs;

    public long LastFetchMs { get; set; } = nowMs;

    /// <summary>The leader's log end offset when this follower last fetched.</summary>
    public long LastFetchLeaderLogEndOffset { get; set; }
}

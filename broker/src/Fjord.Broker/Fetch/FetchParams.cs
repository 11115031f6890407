namespace Fjord.Broker.Fetch;

/// <summary>What a whole fetch asks for, beyond its partitions (Kafka's FetchParams).</summary>
/// <param name="ReplicaId">The follower's broker id, or -1 for a consumer.</param>
/// <param name="ReadCommitted">isolation_level=1: the consumer reads up to the last stable offset, without aborted transactions.</param>
public sealed record FetchParams(int ReplicaId, int MaxWaitMs, int MinBytes, int MaxBytes, bool ReadCommitted = false)
{
    /// <summary>A follower reads up to the log end; a consumer only up to the high watermark.</summary>
    public bool IsFromFollower => ReplicaId >= 0;
}

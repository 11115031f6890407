namespace Fjord.Broker.Fetch;

/// <summary>What a whole fetch asks for, beyond its partitions (Kafka's FetchParams).</summary>
/// <param name="ReplicaId">The follower's broker id, or -1 for a consumer.</param>
public sealed record FetchParams(int ReplicaId, int MaxWaitMs, int MinBytes, int MaxBytes)
{
    /// <summary>A follower reads up to the log end; a consumer only up to the high watermark.</summary>
    public bool IsFromFollower => ReplicaId >= 0;
}

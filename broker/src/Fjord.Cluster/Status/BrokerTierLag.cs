namespace Fjord.Cluster;

/// <summary>
/// The Blob tier's upload lag of the partitions one broker leads: closed segments (and their bytes) not yet uploaded,
/// since when the oldest of them has been waiting (as that broker saw it close; null when none waits), how many
/// partitions' uploads are failing, and the kind of the latest failure (null when none fails).
/// </summary>
public sealed record BrokerTierLag(int Segments, long Bytes, DateTimeOffset? OldestWaitingSince, int FailingPartitions, string? LastErrorKind)
{
    public static BrokerTierLag None { get; } = new(0, 0, null, 0, null);
}

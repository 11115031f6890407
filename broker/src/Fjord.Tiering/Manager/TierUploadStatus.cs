namespace Fjord.Tiering;

/// <summary>
/// The upload lag of every tiered partition this broker leads, summed: closed segments and bytes not yet in Blob
/// storage, since when the oldest of them has waited (null when none), the partitions whose uploads are failing, and
/// the kind of the latest failure among them (null when none fails).
/// </summary>
public sealed record TierUploadStatus(int LagSegments, long LagBytes, DateTimeOffset? OldestWaitingSince, int FailingPartitions, string? LastErrorKind);

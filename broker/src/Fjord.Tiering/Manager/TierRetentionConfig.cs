namespace Fjord.Tiering;

/// <summary>
/// The retention settings of a tiered topic, with Kafka's names and meanings: retention.ms/bytes
/// govern the whole log (remote + local), local.retention.ms/bytes only the local copy; -1 is
/// unlimited and, for the local settings, -2 (Kafka's default) means "the same as retention.*".
/// </summary>
public sealed record TierRetentionConfig
{
    public const long SameAsRetention = -2;

    public static TierRetentionConfig Default { get; } = new();

    /// <summary>retention.ms: remote segments whose newest record is older than this are deleted.</summary>
    public long RetentionMs { get; init; } = 7L * 24 * 60 * 60 * 1000;

    /// <summary>retention.bytes: oldest remote segments go while the whole log is larger than this.</summary>
    public long RetentionBytes { get; init; } = -1;

    /// <summary>local.retention.ms: uploaded local segments older than this are deleted locally.</summary>
    public long LocalRetentionMs { get; init; } = SameAsRetention;

    /// <summary>local.retention.bytes: uploaded oldest local segments go while the local log is larger than this.</summary>
    public long LocalRetentionBytes { get; init; } = SameAsRetention;

    public long EffectiveLocalRetentionMs => LocalRetentionMs == SameAsRetention ? RetentionMs : LocalRetentionMs;

    public long EffectiveLocalRetentionBytes => LocalRetentionBytes == SameAsRetention ? RetentionBytes : LocalRetentionBytes;
}

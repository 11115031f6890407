namespace Fjord.Groups;

/// <summary>The group coordinator's knobs, named and defaulted as Kafka's broker configs.</summary>
public sealed record GroupCoordinatorConfig
{
    /// <summary>group.initial.rebalance.delay.ms: how long an Empty group waits for more members before its first join completes.</summary>
    public int GroupInitialRebalanceDelayMs { get; init; } = 3000;

    /// <summary>group.min.session.timeout.ms.</summary>
    public int GroupMinSessionTimeoutMs { get; init; } = 6000;

    /// <summary>group.max.session.timeout.ms.</summary>
    public int GroupMaxSessionTimeoutMs { get; init; } = 1_800_000;

    /// <summary>group.max.size.</summary>
    public int GroupMaxSize { get; init; } = int.MaxValue;

    /// <summary>offsets.retention.minutes: how long an Empty group keeps its committed offsets.</summary>
    public int OffsetsRetentionMinutes { get; init; } = 10_080;

    /// <summary>offset.metadata.max.bytes (Kafka compares the metadata string's length).</summary>
    public int OffsetMetadataMaxBytes { get; init; } = 4096;

    /// <summary>offsets.retention.check.interval.ms: period of the offset expiry job.</summary>
    public int OffsetsRetentionCheckIntervalMs { get; init; } = 600_000;
}

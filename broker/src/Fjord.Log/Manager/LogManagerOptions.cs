namespace Fjord.Log;

/// <summary>Broker-level log settings, Kafka's names and defaults.</summary>
public sealed record LogManagerOptions
{
    /// <summary>log.retention.check.interval.ms.</summary>
    public long RetentionCheckIntervalMs { get; init; } = 5 * 60 * 1000;

    /// <summary>log.flush.scheduler.interval.ms; long.MaxValue (Kafka's default) disables the flush.ms scheduler.</summary>
    public long FlushSchedulerIntervalMs { get; init; } = long.MaxValue;

    /// <summary>log.flush.offset.checkpoint.interval.ms: how often recovery points are checkpointed.</summary>
    public long FlushOffsetCheckpointIntervalMs { get; init; } = 60_000;

    /// <summary>producer.id.expiration.ms: a producer that has not written for this long is forgotten.</summary>
    public long ProducerIdExpirationMs { get; init; } = 86_400_000;

    /// <summary>producer.id.expiration.check.interval.ms: how often expired producers are removed.</summary>
    public long ProducerIdExpirationCheckIntervalMs { get; init; } = 600_000;

    /// <summary>log.flush.start.offset.checkpoint.interval.ms: how often log start offsets are checkpointed.</summary>
    public long FlushStartOffsetCheckpointIntervalMs { get; init; } = 60_000;

    /// <summary>Told the time of every fsync (Kafka's LogFlushStats); none by default.</summary>
    public ILogFlushObserver? FlushObserver { get; init; }
}

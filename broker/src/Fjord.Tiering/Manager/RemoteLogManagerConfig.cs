namespace Fjord.Tiering;

/// <summary>The broker settings of the remote log manager, by their Kafka names.</summary>
/// <param name="TaskIntervalMs">remote.log.manager.task.interval.ms: how often each tiered partition is visited.</param>
/// <param name="CopierThreadPoolSize">remote.log.manager.copier.thread.pool.size: partitions worked on at once.</param>
/// <param name="ReaderCacheBytes">The remote reader's local chunk cache.</param>
public sealed record RemoteLogManagerConfig(long TaskIntervalMs, int CopierThreadPoolSize, long ReaderCacheBytes);

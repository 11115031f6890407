using Fjord.Broker.Configuration;
using Fjord.Broker.Metadata;
using Fjord.Cluster;
using Fjord.Log;
using Fjord.Protocol;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Server;

/// <summary>
/// The partitions this broker hosts (Kafka's ReplicaManager): opens logs for topics the
/// metadata names, applies their configs, and removes logs whose topic is gone or was
/// re-created under a new topic id, so stale data never resurfaces.
/// </summary>
public sealed partial class ReplicaManager(LogManager logs, BrokerConfig config, ILogger<ReplicaManager> logger)
{
    private readonly object _reconcileLock = new();
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<PartitionLog, HighWatermarkSignal> _signals = new();
    private readonly LogConfig _defaults = BrokerLogDefaults.From(config);

    /// <summary>The leader epoch of every partition this single broker leads.</summary>
    public const int LeaderEpoch = 0;

    public LogConfig Defaults => _defaults;

    /// <summary>
    /// KIP-320's check of the leader epoch a client believes in: newer than ours means our
    /// metadata is behind (UNKNOWN_LEADER_EPOCH), older means the client's is (FENCED_LEADER_EPOCH);
    /// -1 skips the check.
    /// </summary>
    public static ErrorCode CheckCurrentLeaderEpoch(int currentLeaderEpoch) =>
        currentLeaderEpoch > LeaderEpoch ? ErrorCode.UnknownLeaderEpoch
        : currentLeaderEpoch >= 0 && currentLeaderEpoch < LeaderEpoch ? ErrorCode.FencedLeaderEpoch
        : ErrorCode.None;

    /// <summary>The log of a partition of a known topic, opened (or created) on first use.</summary>
    public PartitionLog GetOrCreateLog(TopicMetadata topic, int partition)
    {
        var log = logs.Get(topic.Name, partition) is { } existing && existing.TopicId == topic.TopicId
            ? existing
            : logs.GetOrCreate(topic.Name, partition, topic.TopicId, LogConfigFor(topic));
        // This broker is the only replica, so its whole log is committed: a leader whose ISR is
        // itself advances the high watermark to its log end offset, also right after recovery.
        if (log.HighWatermark < log.LogEndOffset) AdvanceHighWatermark(log, log.LogEndOffset);
        return log;
    }

    public HighWatermarkSignal SignalFor(PartitionLog log) => _signals.GetValue(log, _ => new HighWatermarkSignal());

    /// <summary>Moves the high watermark and wakes the fetches waiting on it.</summary>
    public void AdvanceHighWatermark(PartitionLog log, long highWatermark)
    {
        log.AdvanceHighWatermark(highWatermark);
        SignalFor(log).Advanced();
    }

    public LogConfig LogConfigFor(TopicMetadata topic) => LogConfig.FromTopicConfigs(topic.Configs, _defaults);

    public void Reconcile(MetadataSnapshot snapshot)
    {
        lock (_reconcileLock)
        {
            foreach (var log in logs.All)
            {
                var (name, partition) = (log.Topic, log.Partition);
                if (!snapshot.TopicsByName.TryGetValue(name, out var topic) || topic.TopicId != log.TopicId || partition >= topic.PartitionCount)
                {
                    LogRemovingStale(name, partition, log.TopicId);
                    logs.Delete(name, partition);
                    continue;
                }
                log.UpdateConfig(LogConfigFor(topic));
            }
            foreach (var topic in snapshot.TopicsByName.Values)
                for (var p = 0; p < topic.PartitionCount; p++)
                    GetOrCreateLog(topic, p);
        }
    }

    public void DeleteTopicLogs(string topic, int partitionCount)
    {
        lock (_reconcileLock)
        {
            for (var p = 0; p < partitionCount; p++)
                if (logs.Get(topic, p) is not null) logs.Delete(topic, p);
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Removing log {Topic}-{Partition} (topic id {TopicId}): its topic is gone or was re-created")]
    private partial void LogRemovingStale(string topic, int partition, Guid topicId);
}

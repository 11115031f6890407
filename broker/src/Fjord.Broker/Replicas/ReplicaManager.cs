using System.Collections.Concurrent;
using Fjord.Broker.Configuration;
using Fjord.Broker.Membership;
using Fjord.Broker.Metadata;
using Fjord.Broker.Observability;
using Fjord.Broker.Partitions;
using Fjord.Broker.Purgatory;
using Fjord.Broker.Replication;
using Fjord.Cluster;
using Fjord.Log;
using Fjord.Protocol;
using Fjord.Tiering;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Replicas;

/// <summary>
/// The partition replicas this broker hosts (Kafka's ReplicaManager). Roles come from the
/// controller's partition states in the metadata snapshot: where this broker is the leader it
/// serves produce and fetch; where it is a follower a replica fetcher feeds its log. A log is
/// removed only on positive knowledge — its topic id is recorded as deleted, the name was re-created
/// under a new id, or the controller moved the replica elsewhere — never because a listing came back
/// without its topic: a wiped or wrong metadata store must not cost any data.
/// </summary>
public sealed partial class ReplicaManager : ITieredReplicas, IAsyncDisposable
{
    private readonly LogManager _logs;
    private readonly BrokerConfig _config;
    private readonly IControllerStore _store;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly Lock _reconcileLock = new();
    private readonly ConcurrentDictionary<TopicPartitionKey, Partition> _partitions = new();
    private readonly LogConfig _defaults;
    private readonly CancellationTokenSource _stopping = new();
    private readonly BrokerFencing _fencing;
    private readonly HashSet<(TopicPartitionKey, Guid)> _keptUnknown = [];
    private ReplicaFetcherManager? _fetchers;
    private Func<MetadataSnapshot>? _metadata;
    private Task _isrLoop = Task.CompletedTask;
    private readonly DelayedOperationPurgatory<Partition> _fetchPurgatory;
    private readonly DelayedOperationPurgatory<Partition> _producePurgatory;
    private readonly BrokerTopicMetrics? _topicMetrics;
    private readonly IsrChangeMetrics? _isrChanges;

    /// <param name="topicMetrics">Counts client produce per topic; none in tests that do not measure.</param>
    /// <param name="isrChanges">Counts the ISR changes of the partitions this broker leads.</param>
    public ReplicaManager(LogManager logs, BrokerConfig config, IControllerStore store, BrokerFencing fencing, TimeProvider time, ILoggerFactory loggers,
        BrokerTopicMetrics? topicMetrics = null, IsrChangeMetrics? isrChanges = null)
    {
        _topicMetrics = topicMetrics;
        _isrChanges = isrChanges;
        _logs = logs;
        _fencing = fencing;
        _config = config;
        _store = store;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<ReplicaManager>();
        _defaults = BrokerLogDefaults.From(config);
        LogDirFailures = new LogDirFailures(loggers.CreateLogger<LogDirFailures>());
        _fetchPurgatory = new DelayedOperationPurgatory<Partition>("Fetch", time);
        _producePurgatory = new DelayedOperationPurgatory<Partition>("Produce", time);
    }

    /// <summary>Fetches waiting for data (Kafka's FetchPurgatory).</summary>
    public int DelayedFetches => _fetchPurgatory.Delayed;

    /// <summary>acks=all produces waiting for their commit (Kafka's ProducePurgatory).</summary>
    public int DelayedProduces => _producePurgatory.Delayed;

    /// <summary>A partition moved (high watermark, log end, role): complete what waited on it.</summary>
    private void OnPartitionChanged(Partition partition)
    {
        _producePurgatory.CheckAndComplete(partition);
        _fetchPurgatory.CheckAndComplete(partition);
    }

    /// <summary>Failed writes per log dir, logged once per episode.</summary>
    public LogDirFailures LogDirFailures { get; }

    public int LocalId => _config.NodeId;

    public LogConfig Defaults => _defaults;

    /// <summary>True while this broker is fenced: it leads nothing, whatever its last snapshot says.</summary>
    public bool IsFenced => _fencing.IsFenced;

    /// <summary>Starts the replica fetchers and the ISR shrink check (every replica.lag.time.max.ms / 2, as Kafka).</summary>
    public void Start(Func<MetadataSnapshot> metadata, InterBrokerSecurity? security = null)
    {
        _metadata = metadata;
        var connector = new InterBrokerConnector(metadata, _config.InterBrokerListenerName, security ?? InterBrokerSecurity.None);
        _fetchers = new ReplicaFetcherManager(ReplicaFetcherOptions.From(_config), connector, _loggers);
        _isrLoop = Task.Run(IsrLoopAsync);
    }

    /// <summary>
    /// The partition if this broker leads it, else the error a client gets: UNKNOWN_TOPIC_OR_PARTITION,
    /// NOT_LEADER_OR_FOLLOWER, or KIP-320's FENCED_LEADER_EPOCH (the client's epoch is older) /
    /// UNKNOWN_LEADER_EPOCH (newer: this broker's metadata is behind).
    /// </summary>
    public Partition? GetLeader(TopicMetadata topic, int partition, int currentLeaderEpoch, out ErrorCode error)
    {
        if (partition < 0 || partition >= topic.PartitionCount)
        {
            error = ErrorCode.UnknownTopicOrPartition;
            return null;
        }
        if (!_partitions.TryGetValue(new TopicPartitionKey(topic.Name, partition), out var hosted) || hosted.Log.TopicId != topic.TopicId)
        {
            error = ErrorCode.NotLeaderOrFollower;
            return null;
        }
        error = CheckLeaderEpoch(hosted, currentLeaderEpoch);
        // A fenced broker may have been replaced as leader in a store it can no longer read: no acks, no reads.
        if (error == ErrorCode.None && (!hosted.IsLeader || hosted.AwaitingRemoteTier || _fencing.IsFenced)) error = ErrorCode.NotLeaderOrFollower;
        return error == ErrorCode.None ? hosted : null;
    }

    private static ErrorCode CheckLeaderEpoch(Partition hosted, int currentLeaderEpoch) =>
        currentLeaderEpoch < 0 ? ErrorCode.None
        : currentLeaderEpoch > hosted.LeaderEpoch ? ErrorCode.UnknownLeaderEpoch
        : currentLeaderEpoch < hosted.LeaderEpoch ? ErrorCode.FencedLeaderEpoch
        : ErrorCode.None;

    /// <summary>The local replica whatever its role (tests and diagnostics).</summary>
    public Partition? GetHosted(string topic, int partition) =>
        _partitions.GetValueOrDefault(new TopicPartitionKey(topic, partition));

    public IEnumerable<Partition> Hosted => _partitions.Values;

    /// <summary>Partitions this broker leads whose ISR is smaller than their replica set (Kafka's UnderReplicatedPartitions).</summary>
    public int UnderReplicatedPartitions
    {
        get
        {
            var count = 0;
            foreach (var partition in _partitions.Values)
                if (partition.IsUnderReplicated) count++;
            return count;
        }
    }

    int ITieredReplicas.LocalBrokerId => LocalId;

    IEnumerable<ITieredReplica> ITieredReplicas.TieredReplicas =>
        _partitions.Values.Where(p => p.Log.Config.RemoteStorageEnable && !p.AwaitingRemoteTier);

    public LogConfig LogConfigFor(TopicMetadata topic) => LogConfig.FromTopicConfigs(topic.Configs, _defaults);

    public int MinInsyncReplicasFor(TopicMetadata topic) =>
        topic.Configs.TryGetValue("min.insync.replicas", out var raw) && int.TryParse(raw, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : _config.MinInsyncReplicas;

    public void Reconcile(MetadataSnapshot snapshot)
    {
        lock (_reconcileLock)
        {
            foreach (var log in _logs.All)
            {
                var (name, partition) = (log.Topic, log.Partition);
                var key = new TopicPartitionKey(name, partition);
                snapshot.TopicsByName.TryGetValue(name, out var topic);
                if (RemovalReason(snapshot, log, topic) is { } reason)
                {
                    LogRemoving(name, partition, log.TopicId, reason);
                    _fetchers?.Unfollow(key);
                    _partitions.TryRemove(key, out _);
                    _logs.Delete(name, partition);
                    continue;
                }
                if (topic is null || topic.TopicId != log.TopicId || partition >= topic.PartitionCount)
                {
                    // Not listed, yet not known deleted: kept untouched (and unserved) until the metadata says which.
                    if (_keptUnknown.Add((key, log.TopicId))) LogKeepingUnknown(name, partition, log.TopicId);
                    continue;
                }
                log.UpdateConfig(LogConfigFor(topic));
            }
            foreach (var state in snapshot.Partitions.Values)
            {
                if (!IsReplica(state) || TopicNames.IsInternal(state.Topic)) continue;
                if (!snapshot.TopicsByName.TryGetValue(state.Topic, out var topic) || state.Partition >= topic.PartitionCount) continue;
                var hosted = GetOrCreate(topic, state.Partition);
                hosted.UpdateTopic(topic);
                hosted.Apply(state);
                if (hosted.IsLeader || state.Leader == PartitionState.NoLeader || !snapshot.BrokersById.ContainsKey(state.Leader))
                    _fetchers?.Unfollow(hosted.Key);
                else
                    _fetchers?.Follow(hosted, state.Leader, state.LeaderEpoch);
            }
        }
    }

    /// <summary>Why the log must go, from facts of this cluster's metadata only; null keeps it.</summary>
    private string? RemovalReason(MetadataSnapshot snapshot, PartitionLog log, TopicMetadata? topic)
    {
        if (snapshot.DeletedTopicIds.Contains(log.TopicId)) return "its topic was deleted";
        if (topic is null) return null;
        if (topic.TopicId != log.TopicId) return $"its topic was re-created under topic id {topic.TopicId}";
        // A partition the controller moved elsewhere (a finished reassignment) is no longer ours to keep.
        if (log.Partition < topic.PartitionCount && snapshot.PartitionStateOf(log.Topic, log.Partition) is { } state && !IsReplica(state))
            return "this broker is no longer a replica";
        return null;
    }

    /// <summary>A registered broker that is not in controlled shutdown may (re)join an ISR.</summary>
    private bool EligibleForIsr(int brokerId) =>
        _metadata?.Invoke() is not { } snapshot || !snapshot.BrokersById.TryGetValue(brokerId, out var broker) || !broker.ShuttingDown;

    private bool IsReplica(PartitionState state) =>
        state.Replicas.Contains(LocalId) || (state.AddingReplicas?.Contains(LocalId) ?? false);

    private Partition GetOrCreate(TopicMetadata topic, int partition)
    {
        var key = new TopicPartitionKey(topic.Name, partition);
        if (_partitions.TryGetValue(key, out var existing) && existing.Log.TopicId == topic.TopicId) return existing;
        var log = _logs.Get(topic.Name, partition) is { } open && open.TopicId == topic.TopicId
            ? open
            : _logs.GetOrCreate(topic.Name, partition, topic.TopicId, LogConfigFor(topic));
        var hosted = new Partition(topic, partition, log, LocalId, _store, _time, _loggers.CreateLogger<Partition>(), EligibleForIsr, _isrChanges)
        {
            RemoteTierLookup = LookUpRemoteTier,
            Changed = OnPartitionChanged,
        };
        _partitions[key] = hosted;
        // An empty tiered log may be a new or wiped disk under an uploaded history: ask the manifest first.
        if (log.Config.RemoteStorageEnable && log.LogEndOffset == log.LogStartOffset) LookUpRemoteTier(hosted);
        return hosted;
    }

    public void DeleteTopicLogs(string topic, int partitionCount)
    {
        lock (_reconcileLock)
        {
            for (var p = 0; p < partitionCount; p++)
            {
                var key = new TopicPartitionKey(topic, p);
                _fetchers?.Unfollow(key);
                _partitions.TryRemove(key, out _);
                if (_logs.Get(topic, p) is not null) _logs.Delete(topic, p);
            }
        }
    }

    private async Task IsrLoopAsync()
    {
        var interval = TimeSpan.FromMilliseconds(Math.Max(50, _config.ReplicaLagTimeMaxMs / 2));
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _time, _stopping.Token);
                if (_fencing.IsFenced) continue;
                foreach (var partition in _partitions.Values)
                    if (partition.IsLeader) partition.MaybeShrinkIsr(_config.ReplicaLagTimeMaxMs);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                LogIsrCheckFailed(e);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _fetchPurgatory.Dispose();
        _producePurgatory.Dispose();
        await AwaitRemoteTierLookupsAsync();
        await _isrLoop;
        if (_fetchers is not null) await _fetchers.DisposeAsync();
        _stopping.Dispose();
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Removing log {Topic}-{Partition} (topic id {TopicId}): {Reason}")]
    private partial void LogRemoving(string topic, int partition, Guid topicId, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Keeping log {Topic}-{Partition} (topic id {TopicId}) unserved: the metadata neither lists its topic nor records it as deleted")]
    private partial void LogKeepingUnknown(string topic, int partition, Guid topicId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "ISR shrink check failed")]
    private partial void LogIsrCheckFailed(Exception exception);
}

using System.Globalization;
using Fjord.Log.Compression;

namespace Fjord.Broker.Configuration;

/// <summary>
/// Broker settings under Kafka's own property names, so an operator's server.properties
/// carries over. Sources, later wins: defaults, the properties file, FJORD_* environment
/// variables, then --override flags.
/// </summary>
public sealed class BrokerConfig
{
    private readonly Dictionary<string, string> _values;

    private BrokerConfig(Dictionary<string, string> values) => _values = values;

    public IReadOnlyDictionary<string, string> Values => _values;

    public int NodeId => GetInt("node.id", GetInt("broker.id", 0));
    public IReadOnlyList<ListenerEndpoint> Listeners => WithProtocols(ListenerEndpoint.ParseList(Get("listeners") ?? "PLAINTEXT://127.0.0.1:9092"));
    public IReadOnlyList<ListenerEndpoint> AdvertisedListeners =>
        Get("advertised.listeners") is { Length: > 0 } advertised ? WithProtocols(ListenerEndpoint.ParseList(advertised)) : Listeners;

    /// <summary>
    /// The listener brokers use among themselves (Kafka's inter.broker.listener.name); without it, the one
    /// whose protocol is security.inter.broker.protocol (default PLAINTEXT), as Kafka chooses.
    /// </summary>
    public string? InterBrokerListenerName
    {
        get
        {
            if (Get("inter.broker.listener.name") is { Length: > 0 } name) return name.Trim().ToUpperInvariant();
            if (Get("security.inter.broker.protocol") is not { Length: > 0 } protocolName) return null;
            if (!SecurityProtocols.TryParse(protocolName, out var protocol))
                throw new ConfigException($"security.inter.broker.protocol={protocolName} is not PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL");
            return Listeners.FirstOrDefault(l => l.Protocol == protocol)?.Name
                ?? throw new ConfigException($"security.inter.broker.protocol={protocolName} but no listener uses that protocol");
        }
    }

    /// <summary>
    /// A setting as one listener sees it: Kafka's listener.name.&lt;lowercase name&gt;.&lt;setting&gt; first,
    /// then the broker-wide setting.
    /// </summary>
    public string? GetForListener(string listenerName, string name) =>
        Get($"listener.name.{listenerName.ToLowerInvariant()}.{name}") ?? Get(name);

    private ListenerEndpoint[] WithProtocols(IReadOnlyList<ListenerEndpoint> listeners)
    {
        var map = ListenerSecurityProtocolMap.Parse(Get("listener.security.protocol.map"));
        return listeners.Select(l => l with { Protocol = map.For(l.Name) }).ToArray();
    }
    public IReadOnlyList<string> LogDirs =>
        (Get("log.dirs") ?? Get("log.dir") ?? Path.Combine(Path.GetTempPath(), "fjord-logs"))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    public string? Rack => Get("broker.rack");
    public int NumPartitions => GetInt("num.partitions", 1);
    public short DefaultReplicationFactor => (short)GetInt("default.replication.factor", 1);
    public bool AutoCreateTopicsEnable => GetBool("auto.create.topics.enable", true);
    public bool DeleteTopicEnable => GetBool("delete.topic.enable", true);
    public int MessageMaxBytes => GetInt("message.max.bytes", 1048588);
    public int SocketRequestMaxBytes => GetInt("socket.request.max.bytes", 104857600);
    public long ConnectionsMaxIdleMs => GetLong("connections.max.idle.ms", 600_000);
    public int MaxConnections => GetInt("max.connections", int.MaxValue);
    public int MaxConnectionsPerIp => GetInt("max.connections.per.ip", int.MaxValue);
    public string? MaxConnectionsPerIpOverrides => Get("max.connections.per.ip.overrides");
    public long LogSegmentBytes => GetLong("log.segment.bytes", 1L << 30);
    public long LogRollMs => GetLong("log.roll.ms", GetLong("log.roll.hours", 168) * 3_600_000L);
    public long LogRetentionMs
    {
        get
        {
            // Kafka's precedence: ms, then minutes, then hours; a negative value means unlimited.
            if (Get("log.retention.ms") is not null) return GetLong("log.retention.ms", -1);
            if (Get("log.retention.minutes") is not null) return Unlimited(GetLong("log.retention.minutes", -1), 60_000L);
            return Unlimited(GetLong("log.retention.hours", 168), 3_600_000L);
        }
    }

    private static long Unlimited(long value, long unitMs) => value < 0 ? -1 : value * unitMs;

    public long LogRetentionBytes => GetLong("log.retention.bytes", -1);
    public long LogFlushIntervalMessages => GetLong("log.flush.interval.messages", long.MaxValue);
    public long LogFlushIntervalMs => GetLong("log.flush.interval.ms", long.MaxValue);
    public long LogFlushSchedulerIntervalMs => GetLong("log.flush.scheduler.interval.ms", long.MaxValue);
    public long LogFlushOffsetCheckpointIntervalMs => GetLong("log.flush.offset.checkpoint.interval.ms", 60_000);
    public long LogRetentionCheckIntervalMs => GetLong("log.retention.check.interval.ms", 300_000);
    public long ProducerIdExpirationMs => GetLong("producer.id.expiration.ms", 86_400_000);
    public long ProducerIdExpirationCheckIntervalMs => GetLong("producer.id.expiration.check.interval.ms", 600_000);
    public int LogIndexIntervalBytes => GetInt("log.index.interval.bytes", 4096);
    public int LogIndexSizeMaxBytes => GetInt("log.index.size.max.bytes", 10 * 1024 * 1024);
    public string LogMessageTimestampType => Get("log.message.timestamp.type") ?? "CreateTime";

    /// <summary>Kafka's broker compression.type: the default every topic's compression.type inherits.</summary>
    public string CompressionType => Get("compression.type") ?? "producer";
    public int CompressionGzipLevel => GetInt("compression.gzip.level", CompressionLevels.GzipDefault);
    public int CompressionLz4Level => GetInt("compression.lz4.level", CompressionLevels.Lz4Default);
    public int CompressionZstdLevel => GetInt("compression.zstd.level", CompressionLevels.ZstdDefault);

    public int GroupInitialRebalanceDelayMs => GetInt("group.initial.rebalance.delay.ms", 3000);
    public int GroupMinSessionTimeoutMs => GetInt("group.min.session.timeout.ms", 6000);
    public int GroupMaxSessionTimeoutMs => GetInt("group.max.session.timeout.ms", 1_800_000);
    public int GroupMaxSize => GetInt("group.max.size", int.MaxValue);
    public int OffsetsRetentionMinutes => GetInt("offsets.retention.minutes", 10080);
    public long OffsetsRetentionCheckIntervalMs => GetLong("offsets.retention.check.interval.ms", 600_000);
    public int OffsetMetadataMaxBytes => GetInt("offset.metadata.max.bytes", 4096);
    public string OffsetsTableName => Get("fjord.offsets.table") ?? "fjordoffsets";
    public string TransactionsTableName => Get("fjord.transactions.table") ?? "fjordtransactions";

    // Which storage account, and how the broker authenticates to it: Storage/StorageEndpoints.
    public string MetadataTableName => Get("fjord.metadata.table") ?? "fjordmetadata";
    /// <summary>How often the broker polls the metadata version row; the price of noticing changes quickly.</summary>
    public int MetadataPollIntervalMs => GetInt("fjord.metadata.poll.interval.ms", 1000);
    public int BrokerHeartbeatIntervalMs => GetInt("broker.heartbeat.interval.ms", 2000);

    /// <summary>
    /// A broker whose lease row has not moved for this long is dead for the controller (Kafka's
    /// name and meaning). The main term in failover time, and with the heartbeat interval the main
    /// term in Table storage operations while idle.
    /// </summary>
    public int BrokerSessionTimeoutMs => GetInt("broker.session.timeout.ms", 6000);

    /// <summary>How long a silent controller keeps its lease before another broker takes over.</summary>
    public int ControllerLeaseMs => GetInt("fjord.controller.lease.ms", BrokerSessionTimeoutMs);

    /// <summary>How often the controller re-reads broker liveness and reconciles partition states.</summary>
    public int ControllerTickMs => GetInt("fjord.controller.tick.ms", 1000);

    public int MinInsyncReplicas => GetInt("min.insync.replicas", 1);
    public bool UncleanLeaderElectionEnable => GetBool("unclean.leader.election.enable", false);
    public bool AutoLeaderRebalanceEnable => GetBool("auto.leader.rebalance.enable", true);
    public int LeaderImbalanceCheckIntervalSeconds => GetInt("leader.imbalance.check.interval.seconds", 300);
    public int LeaderImbalancePerBrokerPercentage => GetInt("leader.imbalance.per.broker.percentage", 10);

    public long ReplicaLagTimeMaxMs => GetLong("replica.lag.time.max.ms", 30_000);
    public int ReplicaFetchWaitMaxMs => GetInt("replica.fetch.wait.max.ms", 500);
    public int ReplicaFetchMinBytes => GetInt("replica.fetch.min.bytes", 1);
    public int ReplicaFetchMaxBytes => GetInt("replica.fetch.max.bytes", 1048576);
    public int ReplicaFetchResponseMaxBytes => GetInt("replica.fetch.response.max.bytes", 10485760);
    public int ReplicaFetchBackoffMs => GetInt("replica.fetch.backoff.ms", 1000);
    public int ReplicaSocketTimeoutMs => GetInt("replica.socket.timeout.ms", 30_000);

    public string TieringContainer => Get("fjord.tiering.container") ?? "fjord-tiered";
    public string TieringManifestTable => Get("fjord.tiering.table") ?? "fjordremotelog";

    /// <summary>Kafka's remote.log.manager.task.interval.ms: how often leaders copy, and apply local and remote retention.</summary>
    public long RemoteLogManagerTaskIntervalMs => GetLong("remote.log.manager.task.interval.ms", 30_000);

    /// <summary>Bytes of remote segment chunks cached for cold reads (Kafka: remote.log.index.file.cache.total.size.bytes covers indexes).</summary>
    public long RemoteLogReaderCacheBytes => GetLong("fjord.remote.log.reader.cache.bytes", 64L * 1024 * 1024);

    /// <summary>Kafka's remote.log.manager.copier.thread.pool.size (KIP-950): partitions tiered at once per broker.</summary>
    public int RemoteLogManagerCopierThreadPoolSize => Math.Max(1, GetInt("remote.log.manager.copier.thread.pool.size", 10));

    /// <summary>
    /// Per-try timeout of a Blob or manifest request: an unreachable account must fail a try fast enough
    /// that uploads back off and retry, and cold reads answer a retriable error, instead of hanging.
    /// </summary>
    public int TieringRequestTimeoutMs => GetInt("fjord.tiering.request.timeout.ms", 30_000);

    /// <summary>Partitions of the (log-less) __consumer_offsets topic whose leaders coordinate groups.</summary>
    public int OffsetsTopicNumPartitions => GetInt("offsets.topic.num.partitions", 50);
    public short OffsetsTopicReplicationFactor => (short)GetInt("offsets.topic.replication.factor", 3);
    public int TransactionStateLogNumPartitions => GetInt("transaction.state.log.num.partitions", 50);
    public short TransactionStateLogReplicationFactor => (short)GetInt("transaction.state.log.replication.factor", 3);
    public int TransactionMaxTimeoutMs => GetInt("transaction.max.timeout.ms", 900_000);
    public long TransactionalIdExpirationMs => GetLong("transactional.id.expiration.ms", 604_800_000);
    public int TransactionAbortTimedOutTransactionCleanupIntervalMs => GetInt("transaction.abort.timed.out.transaction.cleanup.interval.ms", 10_000);
    public int TransactionRemoveExpiredTransactionCleanupIntervalMs => GetInt("transaction.remove.expired.transaction.cleanup.interval.ms", 3_600_000);

    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

    public int GetInt(string name, int fallback) => (int)Math.Clamp(GetLong(name, fallback), int.MinValue, int.MaxValue);

    public long GetLong(string name, long fallback)
    {
        var raw = Get(name);
        if (raw is null) return fallback;
        return long.TryParse(raw.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ConfigException($"{name}={raw} is not an integer");
    }

    public bool GetBool(string name, bool fallback)
    {
        var raw = Get(name);
        if (raw is null) return fallback;
        return bool.TryParse(raw.Trim(), out var value) ? value : throw new ConfigException($"{name}={raw} is not true or false");
    }

    public static BrokerConfig FromValues(IReadOnlyDictionary<string, string> values) => new(new Dictionary<string, string>(values));

    /// <summary>
    /// Parses <c>[server.properties] [--override name=value]...</c> like kafka-server-start.sh,
    /// layering FJORD_* environment variables (FJORD_LOG_DIRS → log.dirs) between the two.
    /// </summary>
    public static BrokerConfig Load(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var overrides = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--override" or "-o")
            {
                if (i + 1 >= args.Count) throw new ConfigException("--override needs name=value");
                overrides.Add(args[++i]);
            }
            else if (arg.StartsWith("--override=", StringComparison.Ordinal))
                overrides.Add(arg["--override=".Length..]);
            else if (arg.StartsWith('-'))
                throw new ConfigException($"unknown flag {arg}; usage: Fjord.Broker [server.properties] [--override name=value]...");
            else
                foreach (var (k, v) in PropertiesFile.Read(arg)) values[k] = v;
        }
        foreach (var (key, value) in environment)
        {
            if (!key.StartsWith("FJORD_", StringComparison.Ordinal) || key.Length <= 6) continue;
            values[key[6..].ToLowerInvariant().Replace("__", "-", StringComparison.Ordinal).Replace('_', '.')] = value;
        }
        foreach (var pair in overrides)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new ConfigException($"--override {pair}: expected name=value");
            values[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }
        return new BrokerConfig(values);
    }
}

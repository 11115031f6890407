using System.Globalization;
using Fjord.Broker.Configuration;

namespace Fjord.Broker.Metadata;

/// <summary>The broker properties DescribeConfigs reports for a BROKER resource, with their effective values.</summary>
public static class BrokerConfigCatalog
{
    public sealed record Entry(string Name, TopicConfigCatalog.ConfigType Type, Func<BrokerConfig, string> Value);

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static readonly IReadOnlyList<Entry> All =
    [
        new("node.id", TopicConfigCatalog.ConfigType.Int, c => Num(c.NodeId)),
        new("broker.rack", TopicConfigCatalog.ConfigType.String, c => c.Rack ?? ""),
        new("listeners", TopicConfigCatalog.ConfigType.String, c => string.Join(',', c.Listeners)),
        new("advertised.listeners", TopicConfigCatalog.ConfigType.String, c => string.Join(',', c.AdvertisedListeners)),
        new("log.dirs", TopicConfigCatalog.ConfigType.String, c => string.Join(',', c.LogDirs)),
        new("num.partitions", TopicConfigCatalog.ConfigType.Int, c => Num(c.NumPartitions)),
        new("default.replication.factor", TopicConfigCatalog.ConfigType.Int, c => Num(c.DefaultReplicationFactor)),
        new("auto.create.topics.enable", TopicConfigCatalog.ConfigType.Boolean, c => c.AutoCreateTopicsEnable ? "true" : "false"),
        new("delete.topic.enable", TopicConfigCatalog.ConfigType.Boolean, c => c.DeleteTopicEnable ? "true" : "false"),
        new("message.max.bytes", TopicConfigCatalog.ConfigType.Int, c => Num(c.MessageMaxBytes)),
        new("socket.request.max.bytes", TopicConfigCatalog.ConfigType.Int, c => Num(c.SocketRequestMaxBytes)),
        new("connections.max.idle.ms", TopicConfigCatalog.ConfigType.Long, c => Num(c.ConnectionsMaxIdleMs)),
        new("max.connections", TopicConfigCatalog.ConfigType.Int, c => Num(c.MaxConnections)),
        new("max.connections.per.ip", TopicConfigCatalog.ConfigType.Int, c => Num(c.MaxConnectionsPerIp)),
        new("max.connections.per.ip.overrides", TopicConfigCatalog.ConfigType.String, c => c.MaxConnectionsPerIpOverrides ?? ""),
        new("log.segment.bytes", TopicConfigCatalog.ConfigType.Int, c => Num(c.LogSegmentBytes)),
        new("log.roll.ms", TopicConfigCatalog.ConfigType.Long, c => Num(c.LogRollMs)),
        new("log.retention.ms", TopicConfigCatalog.ConfigType.Long, c => Num(c.LogRetentionMs)),
        new("log.retention.bytes", TopicConfigCatalog.ConfigType.Long, c => Num(c.LogRetentionBytes)),
        new("log.retention.check.interval.ms", TopicConfigCatalog.ConfigType.Long, c => Num(c.LogRetentionCheckIntervalMs)),
        new("log.flush.interval.messages", TopicConfigCatalog.ConfigType.Long, c => Num(c.LogFlushIntervalMessages)),
        new("log.flush.interval.ms", TopicConfigCatalog.ConfigType.Long, c => Num(c.LogFlushIntervalMs)),
        new("log.flush.scheduler.interval.ms", TopicConfigCatalog.ConfigType.Long, c => Num(c.LogFlushSchedulerIntervalMs)),
        new("log.flush.offset.checkpoint.interval.ms", TopicConfigCatalog.ConfigType.Long, c => Num(c.LogFlushOffsetCheckpointIntervalMs)),
        new("producer.id.expiration.ms", TopicConfigCatalog.ConfigType.Long, c => Num(c.ProducerIdExpirationMs)),
        new("producer.id.expiration.check.interval.ms", TopicConfigCatalog.ConfigType.Long, c => Num(c.ProducerIdExpirationCheckIntervalMs)),
        new("transaction.state.log.num.partitions", TopicConfigCatalog.ConfigType.Int, c => Num(c.TransactionStateLogNumPartitions)),
        new("transaction.state.log.replication.factor", TopicConfigCatalog.ConfigType.Short, c => Num(c.TransactionStateLogReplicationFactor)),
        new("transaction.max.timeout.ms", TopicConfigCatalog.ConfigType.Int, c => Num(c.TransactionMaxTimeoutMs)),
        new("transactional.id.expiration.ms", TopicConfigCatalog.ConfigType.Int, c => Num(c.TransactionalIdExpirationMs)),
        new("transaction.abort.timed.out.transaction.cleanup.interval.ms", TopicConfigCatalog.ConfigType.Int, c => Num(c.TransactionAbortTimedOutTransactionCleanupIntervalMs)),
        new("transaction.remove.expired.transaction.cleanup.interval.ms", TopicConfigCatalog.ConfigType.Int, c => Num(c.TransactionRemoveExpiredTransactionCleanupIntervalMs)),
        new("log.index.interval.bytes", TopicConfigCatalog.ConfigType.Int, c => Num(c.LogIndexIntervalBytes)),
        new("log.index.size.max.bytes", TopicConfigCatalog.ConfigType.Int, c => Num(c.LogIndexSizeMaxBytes)),
        new("log.message.timestamp.type", TopicConfigCatalog.ConfigType.String, c => c.LogMessageTimestampType),
        new("compression.type", TopicConfigCatalog.ConfigType.String, c => c.CompressionType),
        new("compression.gzip.level", TopicConfigCatalog.ConfigType.Int, c => Num(c.CompressionGzipLevel)),
        new("compression.lz4.level", TopicConfigCatalog.ConfigType.Int, c => Num(c.CompressionLz4Level)),
        new("compression.zstd.level", TopicConfigCatalog.ConfigType.Int, c => Num(c.CompressionZstdLevel)),

        // Kafka's PASSWORD-typed listener secrets: listed, so an operator sees they exist, but ConfigHelper
        // answers them sensitive with a null value (SensitiveConfigs), whatever is configured.
        new("ssl.keystore.password", TopicConfigCatalog.ConfigType.Password, c => c.Get("ssl.keystore.password") ?? ""),
        new("ssl.key.password", TopicConfigCatalog.ConfigType.Password, c => c.Get("ssl.key.password") ?? ""),
        new("ssl.truststore.password", TopicConfigCatalog.ConfigType.Password, c => c.Get("ssl.truststore.password") ?? ""),
        new("ssl.keystore.key", TopicConfigCatalog.ConfigType.Password, c => c.Get("ssl.keystore.key") ?? ""),
        new("sasl.jaas.config", TopicConfigCatalog.ConfigType.Password, c => c.Get("sasl.jaas.config") ?? ""),
    ];
}

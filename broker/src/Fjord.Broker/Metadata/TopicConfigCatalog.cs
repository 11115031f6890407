using System.Collections.Frozen;
using System.Globalization;
using Fjord.Broker.Configuration;
using Fjord.Cluster;

namespace Fjord.Broker.Metadata;

/// <summary>
/// The topic-level configs Fjord understands, under Kafka's names, with the broker property
/// that supplies each default. Anything else is refused with INVALID_CONFIG rather than
/// silently stored and ignored.
/// </summary>
public static class TopicConfigCatalog
{
    public enum ConfigType : sbyte { Boolean = 1, String = 2, Int = 3, Short = 4, Long = 5, Double = 6, List = 7, Class = 8, Password = 9 }

    public sealed record Definition(string Name, ConfigType Type, string? BrokerSynonym, Func<BrokerConfig, string> Default, string Documentation, Func<string, string?> Validate);

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The shared rule for <paramref name="name"/>, so the control plane refuses what the broker refuses.</summary>
    private static Func<string, string?> Rule(string name) => TopicConfigRules.Of(name);

    public static readonly IReadOnlyList<Definition> All =
    [
        new("cleanup.policy", ConfigType.List, "log.cleanup.policy", _ => "delete",
            "delete: old segments are removed by retention. Log compaction is not supported yet.", Rule("cleanup.policy")),
        new("compression.type", ConfigType.String, "compression.type", b => b.CompressionType,
            "producer stores batches exactly as the producer compressed them; a codec makes the leader recompress batches that use another.", Rule("compression.type")),
        new("compression.gzip.level", ConfigType.Int, "compression.gzip.level", b => Num(b.CompressionGzipLevel),
            "gzip level when the broker compresses: 1..9, or -1 for the codec's default.", Rule("compression.gzip.level")),
        new("compression.lz4.level", ConfigType.Int, "compression.lz4.level", b => Num(b.CompressionLz4Level),
            "lz4 level when the broker compresses: 1..17.", Rule("compression.lz4.level")),
        new("compression.zstd.level", ConfigType.Int, "compression.zstd.level", b => Num(b.CompressionZstdLevel),
            "zstd level when the broker compresses: -131072..22.", Rule("compression.zstd.level")),
        new("delete.retention.ms", ConfigType.Long, "log.cleaner.delete.retention.ms", _ => "86400000", "Kept for compatibility; used by compaction only.", Rule("delete.retention.ms")),
        new("file.delete.delay.ms", ConfigType.Long, "log.segment.delete.delay.ms", _ => "60000", "Delay before a deleted segment's files are removed.", Rule("file.delete.delay.ms")),
        new("flush.messages", ConfigType.Long, "log.flush.interval.messages", b => Num(b.LogFlushIntervalMessages),
            "fsync after this many messages; default: leave it to the OS and replication.", Rule("flush.messages")),
        new("flush.ms", ConfigType.Long, "log.flush.interval.ms", b => Num(b.LogFlushIntervalMs),
            "fsync at least this often; default: leave it to the OS and replication.", Rule("flush.ms")),
        new("index.interval.bytes", ConfigType.Int, "log.index.interval.bytes", b => Num(b.LogIndexIntervalBytes), "Bytes between offset index entries.", Rule("index.interval.bytes")),
        new("max.message.bytes", ConfigType.Int, "message.max.bytes", b => Num(b.MessageMaxBytes), "Largest record batch the topic accepts.", Rule("max.message.bytes")),
        new("message.timestamp.type", ConfigType.String, "log.message.timestamp.type", b => b.LogMessageTimestampType,
            "CreateTime keeps the producer's timestamps; LogAppendTime stamps the broker's clock.", Rule("message.timestamp.type")),
        new("min.insync.replicas", ConfigType.Int, "min.insync.replicas", b => Num(b.GetInt("min.insync.replicas", 1)), "Replicas that must have an acks=all write.", Rule("min.insync.replicas")),
        new("remote.storage.enable", ConfigType.Boolean, null, _ => "false",
            "Tier closed segments to Blob storage (KIP-405); consumers read the whole log as one.", Rule("remote.storage.enable")),
        new("local.retention.ms", ConfigType.Long, "log.local.retention.ms", _ => "-2",
            "With remote storage: how long uploaded segments stay on local disk; -2 means retention.ms.", Rule("local.retention.ms")),
        new("local.retention.bytes", ConfigType.Long, "log.local.retention.bytes", _ => "-2",
            "With remote storage: local size per partition above which uploaded segments are deleted locally; -2 means retention.bytes.", Rule("local.retention.bytes")),
        new("retention.bytes", ConfigType.Long, "log.retention.bytes", b => Num(b.LogRetentionBytes), "Largest size of a partition before old segments are deleted; -1 unlimited.", Rule("retention.bytes")),
        new("retention.ms", ConfigType.Long, "log.retention.ms", b => Num(b.LogRetentionMs), "Age after which segments are deleted; -1 unlimited.", Rule("retention.ms")),
        new("segment.bytes", ConfigType.Int, "log.segment.bytes", b => Num(b.LogSegmentBytes), "Segment file size at which the log rolls.", Rule("segment.bytes")),
        new("segment.index.bytes", ConfigType.Int, "log.index.size.max.bytes", b => Num(b.LogIndexSizeMaxBytes), "Maximum size of a segment's offset index.", Rule("segment.index.bytes")),
        new("segment.ms", ConfigType.Long, "log.roll.ms", b => Num(b.LogRollMs), "Age at which the active segment rolls.", Rule("segment.ms")),
        new("unclean.leader.election.enable", ConfigType.Boolean, "unclean.leader.election.enable", _ => "false", "Allow out-of-sync replicas to lead.", Rule("unclean.leader.election.enable")),
    ];

    public static readonly FrozenDictionary<string, Definition> ByName = All.ToFrozenDictionary(d => d.Name, StringComparer.Ordinal);

    /// <returns>null when every entry is a known config with a valid value, else the reason.</returns>
    public static string? Validate(IReadOnlyDictionary<string, string> configs) => TopicConfigRules.Validate(configs);
}

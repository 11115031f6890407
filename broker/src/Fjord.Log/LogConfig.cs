using System.Globalization;
using Fjord.Log.Compression;
using Fjord.Log.Records;

namespace Fjord.Log;

/// <summary>
/// The per-topic log settings, with Kafka's names, meanings and defaults. -1 means unlimited for
/// the retention settings; long.MaxValue for the flush settings means "never flush explicitly"
/// (Kafka's default: durability comes from replication, the OS writes pages back on its own).
/// </summary>
public sealed record LogConfig
{
    /// <summary>Kafka's -2 for local.retention.*: take the value of the matching retention.* setting.</summary>
    public const long SameAsRetention = -2;

    public static LogConfig Default { get; } = new();

    /// <summary>segment.bytes: roll the active segment before it would grow past this.</summary>
    public int SegmentBytes { get; init; } = 1024 * 1024 * 1024;

    /// <summary>segment.ms: roll the active segment once it is this old, even if not full.</summary>
    public long SegmentMs { get; init; } = 7L * 24 * 60 * 60 * 1000;

    /// <summary>retention.ms: delete segments whose newest record is older than this; -1 keeps forever.</summary>
    public long RetentionMs { get; init; } = 7L * 24 * 60 * 60 * 1000;

    /// <summary>retention.bytes: delete oldest segments while the partition is larger than this; -1 is unlimited.</summary>
    public long RetentionBytes { get; init; } = -1;

    /// <summary>flush.messages: fsync once this many messages are unflushed.</summary>
    public long FlushMessages { get; init; } = long.MaxValue;

    /// <summary>flush.ms: fsync once the oldest unflushed data is this old (checked by the flush scheduler).</summary>
    public long FlushMs { get; init; } = long.MaxValue;

    /// <summary>max.message.bytes: the largest record batch (log overhead included) the log accepts.</summary>
    public int MaxMessageBytes { get; init; } = 1048588;

    /// <summary>index.interval.bytes: bytes of log between two offset index entries.</summary>
    public int IndexIntervalBytes { get; init; } = 4096;

    /// <summary>segment.index.bytes: the largest offset index; a full index rolls the segment.</summary>
    public int SegmentIndexBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>message.timestamp.type: CreateTime keeps the producer's timestamps, LogAppendTime stamps the broker's clock.</summary>
    public TimestampType MessageTimestampType { get; init; } = TimestampType.CreateTime;

    /// <summary>
    /// compression.type: <see cref="BrokerCompressionType.Producer"/> stores batches byte-for-byte; any codec
    /// makes the leader rewrite batches compressed otherwise (Kafka's LogValidator recompression).
    /// </summary>
    public BrokerCompressionType CompressionType { get; init; } = BrokerCompressionType.Producer;

    /// <summary>compression.gzip.level / compression.lz4.level / compression.zstd.level (KIP-390).</summary>
    public CompressionLevels CompressionLevels { get; init; } = CompressionLevels.Default;

    /// <summary>
    /// remote.storage.enable (KIP-405): the log is tiered. <see cref="PartitionLog.ApplyRetention"/> then
    /// leaves retention to the tier manager, which deletes local segments only once they are uploaded.
    /// </summary>
    public bool RemoteStorageEnable { get; init; }

    /// <summary>local.retention.ms: how long a tiered log keeps uploaded segments locally; -2 means retention.ms, -1 forever.</summary>
    public long LocalRetentionMs { get; init; } = SameAsRetention;

    /// <summary>local.retention.bytes: the local size a tiered log trims uploaded segments to; -2 means retention.bytes, -1 unlimited.</summary>
    public long LocalRetentionBytes { get; init; } = SameAsRetention;

    /// <summary>local.retention.ms with -2 resolved.</summary>
    public long EffectiveLocalRetentionMs => LocalRetentionMs == SameAsRetention ? RetentionMs : LocalRetentionMs;

    /// <summary>local.retention.bytes with -2 resolved.</summary>
    public long EffectiveLocalRetentionBytes => LocalRetentionBytes == SameAsRetention ? RetentionBytes : LocalRetentionBytes;

    /// <summary>
    /// Overlays Kafka topic configs on the broker defaults. Unknown names are ignored (they belong to
    /// other layers, e.g. cleanup.policy); known names with bad values throw.
    /// </summary>
    public static LogConfig FromTopicConfigs(IReadOnlyDictionary<string, string> topicConfigs, LogConfig brokerDefaults)
    {
        var config = brokerDefaults;
        foreach (var (name, value) in topicConfigs)
        {
            config = name switch
            {
                "segment.bytes" => config with { SegmentBytes = ParseInt(name, value, min: 14) },
                "segment.ms" => config with { SegmentMs = ParseLong(name, value, min: 1) },
                "retention.ms" => config with { RetentionMs = ParseLong(name, value, min: -1) },
                "retention.bytes" => config with { RetentionBytes = ParseLong(name, value, min: -1) },
                "flush.messages" => config with { FlushMessages = ParseLong(name, value, min: 1) },
                "flush.ms" => config with { FlushMs = ParseLong(name, value, min: 0) },
                "max.message.bytes" => config with { MaxMessageBytes = ParseInt(name, value, min: 0) },
                "index.interval.bytes" => config with { IndexIntervalBytes = ParseInt(name, value, min: 0) },
                "segment.index.bytes" => config with { SegmentIndexBytes = ParseInt(name, value, min: 8) },
                "message.timestamp.type" => config with { MessageTimestampType = ParseTimestampType(value) },
                "compression.type" => config with { CompressionType = ParseCompressionType(value) },
                "compression.gzip.level" => config with { CompressionLevels = config.CompressionLevels with { Gzip = ParseLevel(name, value, CompressionLevels.IsValidGzip) } },
                "compression.lz4.level" => config with { CompressionLevels = config.CompressionLevels with { Lz4 = ParseLevel(name, value, CompressionLevels.IsValidLz4) } },
                "compression.zstd.level" => config with { CompressionLevels = config.CompressionLevels with { Zstd = ParseLevel(name, value, CompressionLevels.IsValidZstd) } },
                "remote.storage.enable" => config with { RemoteStorageEnable = ParseBool(name, value) },
                "local.retention.ms" => config with { LocalRetentionMs = ParseLong(name, value, min: SameAsRetention) },
                "local.retention.bytes" => config with { LocalRetentionBytes = ParseLong(name, value, min: SameAsRetention) },
                _ => config,
            };
        }

        return config;
    }

    private static long ParseLong(string name, string value, long min)
    {
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            throw new ArgumentException($"Invalid value '{value}' for configuration {name}: not a 64-bit integer.", nameof(value));
        }

        if (parsed < min)
        {
            throw new ArgumentException($"Invalid value {parsed} for configuration {name}: must be at least {min}.", nameof(value));
        }

        return parsed;
    }

    private static int ParseInt(string name, string value, int min)
    {
        var parsed = ParseLong(name, value, min);
        if (parsed > int.MaxValue)
        {
            throw new ArgumentException($"Invalid value {parsed} for configuration {name}: must be at most {int.MaxValue}.", nameof(value));
        }

        return (int)parsed;
    }

    /// <summary>Kafka's BOOLEAN config type: "true" or "false", any case.</summary>
    private static bool ParseBool(string name, string value) =>
        bool.TryParse(value, out var parsed)
            ? parsed
            : throw new ArgumentException($"Invalid value '{value}' for configuration {name}: must be true or false.", nameof(value));

    private static BrokerCompressionType ParseCompressionType(string value) =>
        BrokerCompressionTypes.TryParse(value, out var type)
            ? type
            : throw new ArgumentException($"Invalid value '{value}' for configuration compression.type: must be one of {string.Join(", ", BrokerCompressionTypes.Names)}.", nameof(value));

    private static int ParseLevel(string name, string value, Func<int, bool> isValid)
    {
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var level) || !isValid(level))
        {
            throw new ArgumentException($"Invalid value '{value}' for configuration {name}: outside Kafka's range for this codec.", nameof(value));
        }

        return level;
    }

    private static TimestampType ParseTimestampType(string value) => value switch
    {
        "CreateTime" => TimestampType.CreateTime,
        "LogAppendTime" => TimestampType.LogAppendTime,
        _ => throw new ArgumentException($"Invalid value '{value}' for configuration message.timestamp.type: must be CreateTime or LogAppendTime.", nameof(value)),
    };
}

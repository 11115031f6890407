using System.Globalization;
using Fjord.Log.Records;

namespace Fjord.Log;

/// <summary>
/// The per-topic log settings, with Kafka's names, meanings and defaults. -1 means unlimited for
/// the retention settings; long.MaxValue for the flush settings means "never flush explicitly"
/// (Kafka's default: durability comes from replication, the OS writes pages back on its own).
/// </summary>
public sealed record LogConfig
{
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

    private static TimestampType ParseTimestampType(string value) => value switch
    {
        "CreateTime" => TimestampType.CreateTime,
        "LogAppendTime" => TimestampType.LogAppendTime,
        _ => throw new ArgumentException($"Invalid value '{value}' for configuration message.timestamp.type: must be CreateTime or LogAppendTime.", nameof(value)),
    };
}

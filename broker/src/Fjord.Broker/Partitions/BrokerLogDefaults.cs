using Fjord.Broker.Configuration;
using Fjord.Log;
using Fjord.Log.Compression;
using Fjord.Log.Records;

namespace Fjord.Broker.Partitions;

/// <summary>Maps the broker's log.* properties onto the defaults every topic inherits.</summary>
public static class BrokerLogDefaults
{
    public static LogConfig From(BrokerConfig config) => new()
    {
        CompressionType = BrokerCompressionTypes.TryParse(config.CompressionType, out var compression)
            ? compression
            : throw new ConfigException($"compression.type={config.CompressionType} is not one of {string.Join(", ", BrokerCompressionTypes.Names)}"),
        CompressionLevels = Levels(config),
        SegmentBytes = (int)Math.Min(config.LogSegmentBytes, int.MaxValue),
        SegmentMs = config.LogRollMs,
        RetentionMs = config.LogRetentionMs,
        RetentionBytes = config.LogRetentionBytes,
        FlushMessages = config.LogFlushIntervalMessages,
        FlushMs = config.LogFlushIntervalMs,
        MaxMessageBytes = config.MessageMaxBytes,
        IndexIntervalBytes = config.LogIndexIntervalBytes,
        SegmentIndexBytes = config.LogIndexSizeMaxBytes,
        MessageTimestampType = config.LogMessageTimestampType == "LogAppendTime" ? TimestampType.LogAppendTime : TimestampType.CreateTime,
    };

    // A bad level in server.properties stops the broker at start, as Kafka's config validation does.
    private static CompressionLevels Levels(BrokerConfig config)
    {
        var levels = new CompressionLevels(config.CompressionGzipLevel, config.CompressionLz4Level, config.CompressionZstdLevel);
        if (!CompressionLevels.IsValidGzip(levels.Gzip)) throw new ConfigException($"compression.gzip.level={levels.Gzip} must be -1 or 1..9");
        if (!CompressionLevels.IsValidLz4(levels.Lz4)) throw new ConfigException($"compression.lz4.level={levels.Lz4} must be 1..17");
        if (!CompressionLevels.IsValidZstd(levels.Zstd)) throw new ConfigException($"compression.zstd.level={levels.Zstd} must be -131072..22");
        return levels;
    }
}

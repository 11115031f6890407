using Fjord.Broker.Configuration;
using Fjord.Log;
using Fjord.Log.Records;

namespace Fjord.Broker.Server;

/// <summary>Maps the broker's log.* properties onto the defaults every topic inherits.</summary>
public static class BrokerLogDefaults
{
    public static LogConfig From(BrokerConfig config) => new()
    {
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
}

namespace Fjord.Log.Records;

/// <summary>Kafka's message.timestamp.type; also bit 3 of a v2 batch's attributes.</summary>
public enum TimestampType
{
    CreateTime = 0,
    LogAppendTime = 1,
}

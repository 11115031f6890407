namespace Fjord.Log;

/// <summary>Where an append landed. LogAppendTime is -1 for CreateTime topics, as in ProduceResponse.</summary>
public readonly record struct AppendResult(long FirstOffset, long LastOffset, long LogAppendTime, long LogStartOffset, int RecordCount);

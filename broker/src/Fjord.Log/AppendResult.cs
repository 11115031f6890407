namespace Fjord.Log;

/// <summary>
/// Where an append landed. LogAppendTime is -1 for CreateTime topics, as in ProduceResponse.
/// <paramref name="IsDuplicate"/>: the batch was a producer's retry of one already written, which
/// these offsets locate; nothing was appended.
/// </summary>
public readonly record struct AppendResult(long FirstOffset, long LastOffset, long LogAppendTime, long LogStartOffset, int RecordCount, bool IsDuplicate = false);

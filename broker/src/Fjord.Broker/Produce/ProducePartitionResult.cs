using Fjord.Protocol;

namespace Fjord.Broker.Produce;

/// <summary>One partition's answer to a produce (Kafka's PartitionResponse).</summary>
public sealed class ProducePartitionResult
{
    public ErrorCode Error { get; set; }

    public string? ErrorMessage { get; set; }

    public long BaseOffset { get; set; } = -1;

    public long LogAppendTime { get; set; } = -1;

    public long LogStartOffset { get; set; } = -1;

    public static ProducePartitionResult Failed(ErrorCode error, string? message = null) => new() { Error = error, ErrorMessage = message };
}

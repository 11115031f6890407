using System.Buffers;
using System.Runtime.InteropServices;
using Fjord.Protocol;

namespace Fjord.Broker.Fetch;

/// <summary>
/// One partition's answer to a fetch (Kafka's FetchPartitionData). <see cref="Records"/> is either a
/// file region (<see cref="FileRecords"/>: hot data, sent with sendfile) or a pooled array (the Blob
/// tier); dispose the result once the response is written, which releases either.
/// </summary>
public sealed class FetchPartitionData : IDisposable
{
    public ErrorCode Error { get; init; }

    public long HighWatermark { get; init; } = -1;

    public long LogStartOffset { get; init; } = -1;

    /// <summary>The last stable offset; -1 when unknown (an error).</summary>
    public long LastStableOffset { get; init; } = -1;

    /// <summary>
    /// For a read_committed fetch, the aborted transactions (producer id, first offset) that overlap what was
    /// read, so the consumer can skip their records; null otherwise or when there are none.
    /// </summary>
    public (long ProducerId, long FirstOffset)[]? AbortedTransactions { get; init; }

    /// <summary>Where a follower must truncate to (KIP-320), when its history diverged from the leader's.</summary>
    public (int Epoch, long EndOffset)? DivergingEpoch { get; init; }

    public ReadOnlyMemory<byte> Records { get; private set; } = ReadOnlyMemory<byte>.Empty;

    public static FetchPartitionData Failed(ErrorCode error) => new() { Error = error };

    /// <summary>Hands the records to this result: it releases them when disposed.</summary>
    internal FetchPartitionData WithRecords(ReadOnlyMemory<byte> records)
    {
        Records = records;
        return this;
    }

    /// <summary>Moves the records out (into a response, which then releases them).</summary>
    public ReadOnlyMemory<byte> TakeRecords()
    {
        var records = Records;
        Records = ReadOnlyMemory<byte>.Empty;
        return records;
    }

    /// <summary>Releases the records of a result (or of a response that took them over).</summary>
    public static void Release(ReadOnlyMemory<byte> records)
    {
        if (records.IsEmpty) return;
        if (MemoryMarshal.TryGetMemoryManager<byte, FileRecords>(records, out var file)) ((IDisposable)file).Dispose();
        else if (MemoryMarshal.TryGetArray(records, out var segment) && segment.Array is { Length: > 0 } array) ArrayPool<byte>.Shared.Return(array);
    }

    public void Dispose() => Release(TakeRecords());
}

namespace Fjord.Broker.Tests.Cluster;

/// <summary>
/// One record batch exactly as it lies in a segment file: every byte from the base offset to the
/// end of the batch, the partition leader epoch included, so two replicas' batches compare as bytes.
/// </summary>
public sealed record LogBatch(long BaseOffset, long LastOffset, int PartitionLeaderEpoch, byte[] Bytes)
{
    /// <summary>Compression codec and control flag live in the low attribute bits (bytes 21–22).</summary>
    public short Attributes => (short)((Bytes[21] << 8) | Bytes[22]);

    public bool IsControl => (Attributes & 0x20) != 0;

    public bool IsCompressed => (Attributes & 0x07) != 0;
}

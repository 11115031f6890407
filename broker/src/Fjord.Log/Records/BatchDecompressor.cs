using Fjord.Log.Compression;

namespace Fjord.Log.Records;

/// <summary>
/// Inflates a compressed batch's records section into a fresh array. Used only off the hot path
/// (timestamp lookups), so it allocates freely.
/// </summary>
internal static class BatchDecompressor
{
    public static byte[] Decompress(CompressionType compression, ReadOnlySpan<byte> compressed)
    {
        using var output = new PooledBufferStream(compressed.Length * 4);
        RecordsCodec.Decompress(compression, compressed.ToArray(), output);
        return output.WrittenSpan.ToArray();
    }
}

using System.IO.Compression;

namespace Fjord.Log.Compression;

/// <summary>gzip (RFC 1952) as Kafka stores it: one gzip stream holding the records section.</summary>
internal static class GzipCodec
{
    public static void Compress(ReadOnlySpan<byte> records, int level, PooledBufferStream output)
    {
        // -1 is zlib's default level, the same value java.util.zip.Deflater takes for it.
        using var gzip = new GZipStream(output, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true);
        gzip.Write(records);
    }

    public static void Decompress(ReadOnlyMemory<byte> compressed, PooledBufferStream output)
    {
        using var gzip = new GZipStream(new ReadOnlyMemoryStream(compressed), CompressionMode.Decompress);
        gzip.CopyTo(output);
    }
}

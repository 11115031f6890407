using ZstdSharp;

namespace Fjord.Log.Compression;

/// <summary>zstd (RFC 8878): one standard frame holding the records section.</summary>
internal static class ZstdCodec
{
    // A compression context is large to build; each thread keeps one for the level it last used.
    [ThreadStatic]
    private static Compressor? _compressor;
    [ThreadStatic]
    private static int _compressorLevel;

    public static void Compress(ReadOnlySpan<byte> records, int level, PooledBufferStream output)
    {
        var compressor = _compressor;
        if (compressor is null || _compressorLevel != level)
        {
            compressor?.Dispose();
            compressor = _compressor = new Compressor(level);
            _compressorLevel = level;
        }

        var bound = Compressor.GetCompressBound(records.Length);
        var written = compressor.Wrap(records, output.GetSpan(bound));
        output.Advance(written);
    }

    public static void Decompress(ReadOnlyMemory<byte> compressed, PooledBufferStream output)
    {
        // The stream API, because producers (the Java client among them) need not record the content size in the frame.
        using var zstd = new DecompressionStream(new ReadOnlyMemoryStream(compressed));
        zstd.CopyTo(output);
    }
}

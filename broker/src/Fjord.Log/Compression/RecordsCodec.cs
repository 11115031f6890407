using Fjord.Log.Records;

namespace Fjord.Log.Compression;

/// <summary>Compresses and decompresses a v2 batch's records section in the framing Kafka uses for each codec.</summary>
public static class RecordsCodec
{
    public static void Compress(CompressionType codec, CompressionLevels levels, ReadOnlySpan<byte> records, PooledBufferStream output)
    {
        switch (codec)
        {
            case CompressionType.None:
                output.Write(records);
                break;
            case CompressionType.Gzip:
                GzipCodec.Compress(records, levels.Gzip, output);
                break;
            case CompressionType.Snappy:
                SnappyCodec.Compress(records, output);
                break;
            case CompressionType.Lz4:
                Lz4FrameCodec.Compress(records, levels.Lz4, output);
                break;
            case CompressionType.Zstd:
                ZstdCodec.Compress(records, levels.Zstd, output);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(codec), codec, "unknown compression codec");
        }
    }

    /// <summary>Appends the inflated records to <paramref name="output"/>; a section that does not inflate is a <see cref="CorruptRecordException"/>.</summary>
    public static void Decompress(CompressionType codec, ReadOnlyMemory<byte> compressed, PooledBufferStream output)
    {
        try
        {
            switch (codec)
            {
                case CompressionType.None:
                    output.Write(compressed.Span);
                    break;
                case CompressionType.Gzip:
                    GzipCodec.Decompress(compressed, output);
                    break;
                case CompressionType.Snappy:
                    SnappyCodec.Decompress(compressed.Span, output);
                    break;
                case CompressionType.Lz4:
                    Lz4FrameCodec.Decompress(compressed.Span, output);
                    break;
                case CompressionType.Zstd:
                    ZstdCodec.Decompress(compressed, output);
                    break;
                default:
                    throw new InvalidRecordException($"unknown compression codec {(int)codec}");
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException or ArgumentException or ZstdSharp.ZstdException)
        {
            throw new CorruptRecordException($"{codec} records cannot be decompressed: {e.Message}", e);
        }
    }
}

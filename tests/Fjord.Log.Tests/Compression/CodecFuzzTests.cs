using Fjord.Log.Compression;
using Fjord.Log.Records;

namespace Fjord.Log.Tests.Compression;

/// <summary>
/// A producer controls every byte the leader inflates when it recompresses: mangled input must end as
/// a CorruptRecordException (CORRUPT_MESSAGE for that partition), never another exception.
/// </summary>
public class CodecFuzzTests
{
    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public void MangledCompressedRecordsEitherInflateOrAreACorruptRecord(CompressionType codec)
    {
        var random = new Random(1234 + (int)codec);
        var original = new byte[20_000];
        for (var i = 0; i < original.Length; i++) original[i] = (byte)(i % 251 < 200 ? 'a' + i % 7 : random.Next(256));
        byte[] compressed;
        using (var output = new PooledBufferStream())
        {
            RecordsCodec.Compress(codec, CompressionLevels.Default, original, output);
            compressed = output.WrittenSpan.ToArray();
        }

        for (var round = 0; round < 500; round++)
        {
            var mangled = round % 5 == 0
                ? compressed[..random.Next(compressed.Length)] // truncated
                : (byte[])compressed.Clone();
            for (var flips = random.Next(1, 8); flips > 0 && mangled.Length > 0; flips--)
                mangled[random.Next(mangled.Length)] = (byte)random.Next(256);

            using var inflated = new PooledBufferStream();
            try
            {
                RecordsCodec.Decompress(codec, mangled, inflated);
            }
            catch (CorruptRecordException)
            {
                // the expected outcome for most inputs
            }
        }
    }
}

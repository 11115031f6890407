using BenchmarkDotNet.Attributes;
using Fjord.Log;
using Fjord.Log.Compression;
using Fjord.Log.Records;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Benchmarks.Log;

/// <summary>
/// The leader's recompression for a topic whose compression.type differs from the producer's codec:
/// a 16 KiB batch of 100-byte records (uncompressed, or lz4 as a client would send it) rewritten in
/// each target codec at Kafka's default level. MB/s = 16 KiB of records / mean time. The
/// compression.type=producer append of the same payload is the baseline the rewrite must not slow.
/// </summary>
[MemoryDiagnoser]
public class RecompressionBenchmarks
{
    private const int RecordCount = 150;
    private const int ValueSize = 100;
    private byte[] _uncompressed = [];
    private byte[] _lz4 = [];
    private string _directory = string.Empty;
    private PartitionLog _producerLog = null!;
    private PartitionLog _zstdLog = null!;
    private long _appends;

    /// <summary>Every source/target pair at Kafka's default levels, plus each level-taking codec at its fastest level.</summary>
    public static IEnumerable<object[]> Pairs()
    {
        foreach (var source in new[] { CompressionType.None, CompressionType.Lz4 })
            foreach (var target in new[] { CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd })
                if (source != target)
                    yield return [source, target, DefaultLevel(target)];
        yield return [CompressionType.None, CompressionType.Gzip, 1];
        yield return [CompressionType.None, CompressionType.Lz4, 1];
        yield return [CompressionType.None, CompressionType.Zstd, 1];
    }

    private static int DefaultLevel(CompressionType codec) => codec switch
    {
        CompressionType.Gzip => CompressionLevels.GzipDefault,
        CompressionType.Lz4 => CompressionLevels.Lz4Default,
        CompressionType.Zstd => CompressionLevels.ZstdDefault,
        _ => 0,
    };

    [GlobalSetup]
    public void Setup()
    {
        _uncompressed = CompressibleBatch(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        using (var lz4 = BatchRecompressor.Recompress(_uncompressed, CompressionType.Lz4, CompressionLevels.Default, int.MaxValue))
        {
            _lz4 = lz4.WrittenSpan.ToArray();
        }

        Console.WriteLine($"// batch: {_uncompressed.Length} bytes uncompressed, {_lz4.Length} as lz4");

        _directory = Path.Combine(Path.GetTempPath(), "fjord-bench", Guid.NewGuid().ToString("N"));
        var config = LogConfig.Default with { SegmentBytes = 64 * 1024 * 1024, RetentionBytes = 256L * 1024 * 1024, RetentionMs = -1 };
        _producerLog = PartitionLog.Open(Path.Combine(_directory, "producer-0"), Guid.NewGuid(), config, TimeProvider.System, NullLogger.Instance, hadCleanShutdown: false, recoveryPoint: 0);
        _zstdLog = PartitionLog.Open(Path.Combine(_directory, "zstd-0"), Guid.NewGuid(), config with { CompressionType = BrokerCompressionType.Zstd },
            TimeProvider.System, NullLogger.Instance, hadCleanShutdown: false, recoveryPoint: 0);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _producerLog.Delete();
        _zstdLog.Delete();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "Recompress 16 KiB batch of 100 B records")]
    [ArgumentsSource(nameof(Pairs))]
    public int Recompress(CompressionType source, CompressionType target, int level)
    {
        var levels = new CompressionLevels(target == CompressionType.Gzip ? level : CompressionLevels.GzipDefault,
            target == CompressionType.Lz4 ? level : CompressionLevels.Lz4Default, target == CompressionType.Zstd ? level : CompressionLevels.ZstdDefault);
        using var output = BatchRecompressor.Recompress(source == CompressionType.None ? _uncompressed : _lz4, target, levels, int.MaxValue);
        return output.WrittenCount;
    }

    [Benchmark(Baseline = true, Description = "Append 16 KiB of 100 B records, compression.type=producer")]
    public long AppendProducer() => Append(_producerLog);

    [Benchmark(Description = "Append 16 KiB of 100 B records, uncompressed into compression.type=zstd")]
    public long AppendRecompressedToZstd() => Append(_zstdLog);

    private long Append(PartitionLog log)
    {
        var result = log.AppendAsLeader(_uncompressed.AsMemory(), 0);
        log.UpdateHighWatermark(result.LastOffset + 1);
        if (++_appends % 4096 == 0)
        {
            log.ApplyRetention();
        }

        return result.LastOffset;
    }

    /// <summary>Records whose values look like typical JSON events: repetitive field names, varying numbers.</summary>
    private static byte[] CompressibleBatch(long timestamp)
    {
        var random = new Random(42);
        return BenchmarkBatches.Build(RecordCount, i => System.Text.Encoding.ASCII.GetBytes(
                $"{{\"user\":{random.Next(100000)},\"event\":\"click\",\"ts\":{timestamp + i},\"price\":{random.Next(1000)}.{random.Next(100):D2},\"pad\":\"")
            .Concat(Enumerable.Repeat((byte)'x', ValueSize)).Take(ValueSize - 2).Concat("\"}"u8.ToArray()).ToArray(), timestamp, timestampStep: 1);
    }
}

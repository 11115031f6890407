using BenchmarkDotNet.Attributes;
using Fjord.Log;
using Fjord.Log.Records;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Benchmarks.Log;

/// <summary>
/// The partition log's hot paths: a produce append (validation + offset assignment + one write) of a
/// 16 KiB payload of 1 KiB records, CRC validation alone, and a 1 MiB fetch read into a reused buffer.
/// </summary>
[MemoryDiagnoser]
public class LogBenchmarks
{
    private string _directory = string.Empty;
    private PartitionLog _log = null!;
    private PartitionLog _appendLog = null!;
    private long _appends;
    private byte[] _payload = [];
    private byte[] _readBuffer = [];

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "fjord-bench", Guid.NewGuid().ToString("N"), "bench-0");
        // 16 records of ~1 KiB values make a ~16 KiB batch.
        _payload = BenchmarkBatches.Build(recordCount: 16, valueSize: 1000, timestamp: DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        _readBuffer = new byte[2 * 1024 * 1024];
        // Large segments keep rolls out of the append measurement; retention would be the broker's job.
        var config = LogConfig.Default with { SegmentBytes = int.MaxValue, RetentionMs = -1 };
        _log = PartitionLog.Open(_directory, Guid.NewGuid(), config, TimeProvider.System, NullLogger.Instance, hadCleanShutdown: false, recoveryPoint: 0);
        for (var i = 0; i < 256; i++)
        {
            _log.AppendAsLeader(_payload.AsMemory(), 0); // 4 MiB to read from
        }

        _log.UpdateHighWatermark(_log.LogEndOffset);

        // A separate log for appends, bounded by retention.bytes so long runs do not fill the disk.
        var appendConfig = LogConfig.Default with { SegmentBytes = 64 * 1024 * 1024, RetentionBytes = 256L * 1024 * 1024, RetentionMs = -1 };
        _appendLog = PartitionLog.Open(_directory + "-append", Guid.NewGuid(), appendConfig, TimeProvider.System, NullLogger.Instance, hadCleanShutdown: false, recoveryPoint: 0);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _log.Delete();
        _appendLog.Delete();
        Directory.Delete(Path.GetDirectoryName(_directory)!, recursive: true);
    }

    [Benchmark(Description = "Append 16 KiB payload (1 KiB records): validate + assign + write")]
    public long Append()
    {
        var result = _appendLog.AppendAsLeader(_payload.AsMemory(), 0);
        _appendLog.UpdateHighWatermark(result.LastOffset + 1); // what a single-replica leader does
        if (++_appends % 4096 == 0)
        {
            _appendLog.ApplyRetention(); // amortised: the broker runs it on a timer
        }

        return result.LastOffset;
    }

    [Benchmark(Description = "Validate 16 KiB batch (CRC-32C + record walk)")]
    public int Validate() => BatchValidator.Validate(_payload, int.MaxValue).RecordCount;

    [Benchmark(Description = "Read 1 MiB from offset 0 into a reused buffer")]
    public int Read1MiB()
    {
        using var result = _log.Read(0, 1024 * 1024, _log.HighWatermark, minOneMessage: true);
        return result.CopyTo(_readBuffer);
    }
}

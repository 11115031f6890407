using System.Diagnostics;
using Confluent.Kafka;
using Fjord.Perf.Cluster;
using Fjord.Perf.Consume;
using Fjord.Perf.Produce;
using Fjord.Perf.Reporting;

namespace Fjord.Perf.Suite;

/// <summary>
/// Runs the matrix of <see cref="SuiteCase"/>s, each producing then consuming on its own fresh
/// topic so no case reads another's records or inherits its segments, and samples the broker's
/// CPU around each phase when its pid is known.
/// </summary>
internal sealed class PerfSuite(SuiteOptions options, ClusterConnection cluster)
{
    public List<SuiteRow> Run(bool json, CancellationToken cancellation)
    {
        if (options.BrokerPid is { } pid)
            ProcessCpuSampler.EnsureReadable(pid);

        var runId = Guid.NewGuid().ToString("N")[..8];
        var rows = new List<SuiteRow>();
        foreach (var c in SuiteCase.Matrix())
        {
            if (cancellation.IsCancellationRequested)
                break;

            var topic = $"fjord-perf-{runId}-{c.RecordSize}b-acks{ProduceOptions.AcksName(c.Acks)}-p{c.Partitions}";
            Console.Error.WriteLine($"=== {topic}: produce {options.NumRecords} x {c.RecordSize} B, acks={ProduceOptions.AcksName(c.Acks)}, {c.Partitions} partition(s)");

            var produceOptions = new ProduceOptions(
                Topic: topic,
                Partitions: c.Partitions,
                RecordSize: c.RecordSize,
                NumRecords: options.NumRecords,
                Acks: c.Acks,
                Compression: CompressionType.None,
                LingerMs: options.LingerMs,
                BatchSize: options.BatchSize,
                Throughput: -1,
                CreateTopic: true,
                ReplicationFactor: options.ReplicationFactor,
                Timeout: options.Timeout);

            var (produce, produceCores) = Measure(() => new ProducerPerformance(produceOptions, cluster).Run(cancellation));
            ResultWriter.Write(produce, json);

            var consumeOptions = new ConsumeOptions(topic, produce.Records, Group: null, FetchMaxBytes: 52_428_800, options.Timeout, CapAtRetained: true);
            var (consume, consumeCores) = Measure(() => new ConsumerPerformance(consumeOptions, cluster.BootstrapServers).Run(cancellation));
            ResultWriter.Write(consume, json);

            rows.Add(new SuiteRow(c, produce, consume, produceCores, consumeCores));
        }

        return rows;
    }

    private (T Result, double? BrokerCores) Measure<T>(Func<T> phase)
    {
        if (options.BrokerPid is not { } pid)
            return (phase(), null);

        var cpuBefore = ProcessCpuSampler.CpuSeconds(pid);
        var start = Stopwatch.GetTimestamp();
        var result = phase();
        var wall = Units.TicksToSec(Stopwatch.GetTimestamp() - start);
        var cpu = ProcessCpuSampler.CpuSeconds(pid) - cpuBefore;
        return (result, wall > 0 ? cpu / wall : null);
    }
}

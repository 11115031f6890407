using Fjord.Perf.Suite;

namespace Fjord.Perf.Produce;

/// <summary>Outcome of a produce run; <see cref="Failed"/> counts records whose delivery report carried an error; <see cref="BrokerCpu"/> is set with <c>--broker-pid</c>.</summary>
internal sealed record ProduceSummary(
    string Topic,
    int Partitions,
    int RecordSize,
    string Acks,
    string Compression,
    long Records,
    long Failed,
    double ElapsedSec,
    double RecordsPerSec,
    double MbPerSec,
    LatencySummary Latency,
    string? FirstError,
    BrokerCpu? BrokerCpu = null);

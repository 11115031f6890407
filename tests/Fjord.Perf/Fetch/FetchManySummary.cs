using Fjord.Perf.Suite;

namespace Fjord.Perf.Fetch;

/// <summary>
/// The measured window of a fetch-many run: from the first to the last librdkafka statistics
/// event after the warm-up, so rounds, Fetch requests, wall time and broker CPU all cover the
/// same stretch. Broker CPU includes appending the rounds' records (one Produce request per
/// round, acks=1), not only serving the fetches.
/// </summary>
internal sealed record FetchManySummary(
    string Topic,
    int Partitions,
    int RoundsRun,
    double WindowSec,
    double Rounds,
    long FetchRequests,
    double RoundsPerSec,
    double FetchRequestsPerSec,
    double FetchRequestsPerRound,
    BrokerCpu? BrokerCpu,
    double? BrokerCpuMsPerRound,
    double? BrokerCpuMsPerFetch)
{
    public static FetchManySummary FromWindow(string topic, int partitions, int recordSize, int roundsRun, FetchCounterSnapshot first, FetchCounterSnapshot last)
    {
        var seconds = (last.ClientMicros - first.ClientMicros) / 1e6;
        if (seconds <= 0)
            throw new InvalidOperationException("the measured window is empty: run more rounds (it must span two statistics events, 1 s apart)");

        var records = last.RecordsConsumed - first.RecordsConsumed;
        var rounds = records / (double)partitions;
        var fetches = last.FetchRequests - first.FetchRequests;
        var cpu = first.BrokerCpu is { } before && last.BrokerCpu is { } after
            ? BrokerCpu.Between(before, after, seconds, payloadBytes: (double)records * recordSize)
            : null;
        return new FetchManySummary(
            Topic: topic,
            Partitions: partitions,
            RoundsRun: roundsRun,
            WindowSec: seconds,
            Rounds: rounds,
            FetchRequests: fetches,
            RoundsPerSec: rounds / seconds,
            FetchRequestsPerSec: fetches / seconds,
            FetchRequestsPerRound: rounds > 0 ? fetches / rounds : 0,
            BrokerCpu: cpu,
            BrokerCpuMsPerRound: cpu is not null && rounds > 0 ? cpu.CpuSec * 1000 / rounds : null,
            BrokerCpuMsPerFetch: cpu is not null && fetches > 0 ? cpu.CpuSec * 1000 / fetches : null);
    }
}

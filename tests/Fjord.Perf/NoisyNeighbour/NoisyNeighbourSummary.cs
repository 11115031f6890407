using Fjord.Perf.Reporting;

namespace Fjord.Perf.NoisyNeighbour;

/// <summary>
/// The result: the capacity the shares were taken of, the loads, every phase, and the verdict. The verdict compares
/// medians over the rounds of the steady tenant's p99 (with the noisy tenant ÷ alone), so one disturbed window on a
/// shared machine moves it less than a single pair would.
/// </summary>
internal sealed record NoisyNeighbourSummary(
    double CapacityRecordsPerSec,
    double CapacityMbPerSec,
    int RecordSize,
    double SteadyRecordsPerSec,
    double SteadyMbPerSec,
    double QuotaMbPerSec,
    double NoisyTriedMbPerSec,
    double QuotaInForceAfterSec,
    IReadOnlyList<NoisyPhase> Phases,
    double P99AloneMs,
    double P99WithNoisyMs,
    double Ratio,
    double TargetRatio,
    bool TargetMet,
    long SteadyNotDelivered,
    string? SteadyFirstError)
{
    public static NoisyNeighbourSummary Create(double capacityRecordsPerSec, int recordSize, double steadyRecordsPerSec, double quotaBytesPerSec,
        int overdrive, double quotaInForceAfterSec, IReadOnlyList<NoisyPhase> phases, double targetRatio, string? steadyFirstError)
    {
        ArgumentNullException.ThrowIfNull(phases);
        var alone = Median(phases.Where(p => !p.WithNoisy).Select(p => p.Steady.Latency.P99Ms));
        var with = Median(phases.Where(p => p.WithNoisy).Select(p => p.Steady.Latency.P99Ms));
        var ratio = alone > 0 ? with / alone : double.NaN;
        var notDelivered = phases.Sum(p => (long)p.Steady.NotDelivered);
        return new NoisyNeighbourSummary(
            CapacityRecordsPerSec: capacityRecordsPerSec,
            CapacityMbPerSec: Units.MiB(capacityRecordsPerSec * recordSize),
            RecordSize: recordSize,
            SteadyRecordsPerSec: steadyRecordsPerSec,
            SteadyMbPerSec: Units.MiB(steadyRecordsPerSec * recordSize),
            QuotaMbPerSec: Units.MiB(quotaBytesPerSec),
            NoisyTriedMbPerSec: Units.MiB(quotaBytesPerSec * overdrive),
            QuotaInForceAfterSec: quotaInForceAfterSec,
            Phases: phases,
            P99AloneMs: alone,
            P99WithNoisyMs: with,
            Ratio: ratio,
            TargetRatio: targetRatio,
            TargetMet: notDelivered == 0 && ratio <= targetRatio,
            SteadyNotDelivered: notDelivered,
            SteadyFirstError: steadyFirstError);
    }

    /// <summary>The p99 ratio of each round that has both phases (with ÷ alone), in round order.</summary>
    public IReadOnlyList<(int Round, double Ratio)> RoundRatios() =>
        Phases.GroupBy(p => p.Round)
            .Where(g => g.Any(p => p.WithNoisy) && g.Any(p => !p.WithNoisy))
            .Select(g => (g.Key, g.First(p => p.WithNoisy).Steady.Latency.P99Ms / g.First(p => !p.WithNoisy).Steady.Latency.P99Ms))
            .OrderBy(r => r.Key)
            .ToList();

    /// <summary>The middle value (the mean of the middle two for an even count); NaN for none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
            return double.NaN;
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

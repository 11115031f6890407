using Fjord.Perf.Cli;

namespace Fjord.Perf.NoisyNeighbour;

/// <summary>
/// The knobs of the noisy-neighbour run. Shares are percentages of the capacity measured at the start of the run:
/// tenant B produces at <see cref="SteadySharePercent"/> of it, tenant A's tenant-level producer_byte_rate is
/// <see cref="QuotaSharePercent"/> of it, and A offers <see cref="Overdrive"/> times its quota.
/// </summary>
internal sealed record NoisyNeighbourOptions(
    int DurationSec,
    int Rounds,
    int SettleSec,
    int CapacitySec,
    int SteadySharePercent,
    int QuotaSharePercent,
    int Overdrive,
    int RecordSize,
    int Partitions,
    int LingerMs,
    int NoisyBatchSize,
    double TargetRatio,
    string? BrokerDll,
    TimeSpan Timeout,
    bool NoisyInProcess = false)
{
    public static NoisyNeighbourOptions Read(ArgumentReader args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var targetText = args.OptionalString("target-ratio");
        var target = 1.25;
        if (targetText is not null
            && (!double.TryParse(targetText, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out target) || target <= 0))
            throw new UsageException($"--target-ratio must be a positive number (got '{targetText}')");
        return new NoisyNeighbourOptions(
            DurationSec: args.Int("duration-sec", 30, min: 1),
            Rounds: args.Int("rounds", 3, min: 1),
            SettleSec: args.Int("settle-sec", 5, min: 0),
            CapacitySec: args.Int("capacity-sec", 10, min: 1),
            SteadySharePercent: args.Int("steady-share", 20, min: 1),
            QuotaSharePercent: args.Int("quota-share", 10, min: 1),
            Overdrive: args.Int("overdrive", 5, min: 1),
            RecordSize: args.Int("record-size", 1024, min: 1),
            Partitions: args.Int("partitions", 4, min: 1),
            LingerMs: args.Int("linger-ms", 5, min: 0),
            NoisyBatchSize: args.Int("noisy-batch-size", 1_000_000, min: 1),
            TargetRatio: target,
            BrokerDll: args.OptionalString("broker-dll"),
            Timeout: TimeSpan.FromSeconds(args.Int("timeout-sec", 60, min: 1)),
            NoisyInProcess: ReadNoisyClient(args));
    }

    /// <summary>Where A's client runs: its own process (the default, as a real tenant's program) or this tool's.</summary>
    private static bool ReadNoisyClient(ArgumentReader args) => args.OptionalString("noisy-client") switch
    {
        null or "process" => false,
        "in-process" => true,
        var other => throw new UsageException($"--noisy-client must be process or in-process (got '{other}')"),
    };
}

using Fjord.Perf.Cli;

namespace Fjord.Perf.Suite;

/// <summary>Options of the suite command; every case produces then consumes NumRecords on a fresh topic.</summary>
internal sealed record SuiteOptions(long NumRecords, int? BrokerPid, string? Output, short ReplicationFactor, int BatchSize, int LingerMs, TimeSpan Timeout)
{
    public static SuiteOptions Read(ArgumentReader args)
    {
        var pid = args.Int("broker-pid", -1);
        return new SuiteOptions(
            NumRecords: args.Long("num-records", 200_000, min: 1),
            BrokerPid: pid > 0 ? pid : null,
            Output: args.OptionalString("output"),
            ReplicationFactor: (short)args.Int("replication-factor", 1, min: 1),
            BatchSize: args.Int("batch-size", 1_000_000, min: 1),
            LingerMs: args.Int("linger-ms", 5, min: 0),
            Timeout: TimeSpan.FromSeconds(args.Int("timeout-sec", 30, min: 1)));
    }
}

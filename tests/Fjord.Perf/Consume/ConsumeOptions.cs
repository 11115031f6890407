using Fjord.Perf.Cli;
using Fjord.Perf.Suite;

namespace Fjord.Perf.Consume;

/// <summary>
/// One consume run. Without <see cref="Group"/> the consumer assigns every partition itself from
/// the LogStartOffset (no group coordinator involved, nothing committed); with a group it
/// subscribes, so the time to first record includes the JoinGroup/SyncGroup rebalance.
/// <see cref="CapAtRetained"/> (suite only, no group) lowers the target to what the log still
/// holds (sum of HighWatermark - LogStartOffset): retention may have deleted the oldest records,
/// as librdkafka's mock cluster does after a few MB per partition. With <see cref="BrokerPid"/>
/// the broker's CPU is sampled from the assign/subscribe to the last record.
/// </summary>
internal sealed record ConsumeOptions(string Topic, long NumRecords, string? Group, int FetchMaxBytes, TimeSpan Timeout, bool CapAtRetained = false, int? BrokerPid = null)
{
    public static ConsumeOptions Read(ArgumentReader args) => new(
        Topic: args.RequiredString("topic"),
        NumRecords: args.Long("num-records", 1_000_000, min: 1),
        Group: args.OptionalString("group"),
        FetchMaxBytes: args.Int("fetch-max-bytes", 52_428_800, min: 1024),
        Timeout: TimeSpan.FromSeconds(args.Int("timeout-sec", 30, min: 1)),
        BrokerPid: BrokerPidOption.Read(args));
}

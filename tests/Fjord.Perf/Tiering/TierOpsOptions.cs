using Fjord.Perf.Cli;

namespace Fjord.Perf.Tiering;

/// <summary>
/// What a tier-ops measurement writes: <see cref="SizeMiB"/> of <see cref="RecordSize"/>-byte records
/// into one partition rolled every <see cref="SegmentBytes"/>. The per-segment costs (manifest
/// entries, index files) divide by the segment size, so it is a knob, not a constant.
/// </summary>
internal sealed record TierOpsOptions(
    int SizeMiB,
    int RecordSize,
    int SegmentBytes,
    string? BrokerDll,
    TimeSpan Timeout)
{
    public static TierOpsOptions Read(ArgumentReader args) => new(
        SizeMiB: args.Int("size-mib", 1024, min: 1),
        RecordSize: args.Int("record-size", 1024, min: 1),
        SegmentBytes: args.Int("segment-bytes", 64 * 1024 * 1024, min: 1024 * 1024),
        BrokerDll: args.OptionalString("broker-dll"),
        Timeout: TimeSpan.FromSeconds(args.Int("timeout-sec", 600, min: 1)));
}

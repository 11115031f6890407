namespace Fjord.Perf.Suite;

/// <summary>
/// Broker CPU over one measured phase: seconds of CPU (user + kernel, and each), cores kept busy
/// (CPU seconds / wall seconds) and CPU seconds per GB of record payload moved, where GB is
/// 1024 MB like the tool's MB (2^20 bytes). <see cref="SecPerGb"/> is null when no byte moved.
/// </summary>
internal sealed record BrokerCpu(double CpuSec, double UserSec, double SystemSec, double WallSec, double Cores, double? SecPerGb)
{
    public const double BytesPerGb = 1024.0 * 1024.0 * 1024.0;

    public static BrokerCpu Between(CpuTimes before, CpuTimes after, double wallSec, double payloadBytes)
    {
        var user = after.UserSec - before.UserSec;
        var system = after.SystemSec - before.SystemSec;
        var cpu = user + system;
        return new BrokerCpu(
            CpuSec: cpu,
            UserSec: user,
            SystemSec: system,
            WallSec: wallSec,
            Cores: wallSec > 0 ? cpu / wallSec : 0,
            SecPerGb: payloadBytes > 0 ? cpu / (payloadBytes / BytesPerGb) : null);
    }
}

using Fjord.Perf.Cli;

namespace Fjord.Perf.Suite;

/// <summary><c>--broker-pid PID</c>: the broker process whose CPU a command reports; absent (or not positive) means none.</summary>
internal static class BrokerPidOption
{
    public static int? Read(ArgumentReader args)
    {
        var pid = args.Int("broker-pid", -1);
        return pid > 0 ? pid : null;
    }
}

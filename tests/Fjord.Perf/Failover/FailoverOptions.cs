using Fjord.Perf.Cli;

namespace Fjord.Perf.Failover;

/// <summary>
/// The knobs of a failover measurement. <see cref="Knobs"/> picks which settings to measure:
/// the broker defaults, the fast ones the cluster tests use, or both (one fresh cluster each).
/// </summary>
internal sealed record FailoverOptions(
    int Brokers,
    string Knobs,
    string Victim,
    int IdleSeconds,
    string? BrokerDll,
    TimeSpan Timeout)
{
    public static readonly IReadOnlyDictionary<string, string> KnobChoices = new Dictionary<string, string>
    {
        ["default"] = "default",
        ["fast"] = "fast",
        ["both"] = "both",
    };

    /// <summary>Kill a leader that is not the controller, one that is (a controller failover first), or each in turn.</summary>
    public static readonly IReadOnlyDictionary<string, string> VictimChoices = new Dictionary<string, string>
    {
        ["leader"] = "leader",
        ["controller"] = "controller",
        ["both"] = "both",
    };

    public static FailoverOptions Read(ArgumentReader args) => new(
        Brokers: args.Int("brokers", 3, min: 2),
        Knobs: args.Choice("knobs", "both", KnobChoices),
        Victim: args.Choice("victim", "both", VictimChoices),
        IdleSeconds: args.Int("idle-sec", 60, min: 0),
        BrokerDll: args.OptionalString("broker-dll"),
        Timeout: TimeSpan.FromSeconds(args.Int("timeout-sec", 60, min: 1)));
}

using Fjord.Perf.Consume;
using Fjord.Perf.Produce;

namespace Fjord.Perf.Suite;

/// <summary>
/// Results of one suite case. Broker CPU is in cores (CPU seconds / wall seconds of that phase);
/// null when no --broker-pid was given.
/// </summary>
internal sealed record SuiteRow(
    SuiteCase Case,
    ProduceSummary Produce,
    ConsumeSummary Consume,
    double? ProduceBrokerCores,
    double? ConsumeBrokerCores);

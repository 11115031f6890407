namespace Fjord.Perf.NoisyNeighbour;

/// <summary>
/// One measured window: the steady tenant's records sent in it (rate and latency), the noisy tenant's behaviour
/// when it ran (null in a phase without it), and the CPU the broker and this tool (both tenants' clients) used,
/// in cores (CPU seconds over wall seconds), next to the whole machine's busy cores (everyone's processes).
/// </summary>
internal sealed record NoisyPhase(
    int Round,
    bool WithNoisy,
    double WindowSec,
    PhaseLatency Steady,
    double SteadyRecordsPerSec,
    FloodWindow? Noisy,
    double BrokerCores,
    double ToolCores,
    double MachineCores)
{
    public string Name => WithNoisy ? "B with A" : "B alone";
}

namespace Fjord.Perf.NoisyNeighbour;

/// <summary>Tenant A's flood, wherever its client runs: started once, sampled per window, disposed when A leaves.</summary>
internal interface INoisyTenant : IDisposable
{
    /// <summary>The process whose CPU is A's client: this tool's own when it runs in-process.</summary>
    int ProcessId { get; }

    string? FirstError { get; }

    void Start();

    FloodCounters Snapshot();
}

namespace Fjord.Broker.Operations;

/// <summary>
/// Whether this broker can serve, for the container's readiness probe: only between the end of its start and the
/// beginning of its stop, and then only while <c>servingProblem</c> finds nothing wrong (fenced, unregistered, no
/// listener). A broker that is not ready still lives: liveness is the process answering at all.
/// </summary>
public sealed class BrokerHealth(Func<string?> servingProblem)
{
    private const int Starting = 0;
    private const int Serving = 1;
    private const int Stopping = 2;

    private int _phase = Starting;

    /// <summary>Null when ready; otherwise a short reason an operator can act on.</summary>
    public string? NotReadyReason => Volatile.Read(ref _phase) switch
    {
        Starting => "starting",
        Stopping => "shutting down",
        _ => servingProblem(),
    };

    public bool IsReady => NotReadyReason is null;

    /// <summary>The start has finished: registered, metadata loaded, listeners bound.</summary>
    public void MarkStarted() => Interlocked.CompareExchange(ref _phase, Serving, Starting);

    /// <summary>The stop has begun: from here on the broker hands its work away, so it must receive no more.</summary>
    public void MarkStopping() => Volatile.Write(ref _phase, Stopping);
}

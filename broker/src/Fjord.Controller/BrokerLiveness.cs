using Fjord.Cluster;

namespace Fjord.Controller;

/// <summary>
/// Which brokers are alive, judged without trusting any other machine's clock (as
/// <c>LeaseObserver</c> judges the controller lease): a broker is dead once the
/// <see cref="BrokerRegistration.LastHeartbeat"/> value it wrote has stayed the same for the session
/// timeout on this process's monotonic clock. A newly seen row or a changed value restarts that clock,
/// so a controller that just took over declares nobody dead before it has watched for a whole
/// session timeout, except the controller whose lapsed lease it took (<see cref="PresumeDead"/>).
/// One instance per controller term.
/// </summary>
internal sealed class BrokerLiveness(TimeProvider time, TimeSpan sessionTimeout)
{
    private readonly Dictionary<int, Seen> _seen = [];
    private readonly Dictionary<int, Guid> _presumedDead = [];
    private HashSet<int> _live = [];

    /// <summary>Brokers alive as of the last <see cref="Observe"/>.</summary>
    public IReadOnlySet<int> Live => _live;

    /// <summary>Takes in a fresh listing of the broker rows and says what changed since the previous one.</summary>
    public LivenessChange Observe(IReadOnlyList<BrokerRegistration> brokers)
    {
        ArgumentNullException.ThrowIfNull(brokers);
        var now = time.GetTimestamp();
        var restarted = new List<int>();
        var registered = new HashSet<int>();
        var shuttingDown = new HashSet<int>();
        foreach (var broker in brokers)
        {
            registered.Add(broker.NodeId);
            // A broker in controlled shutdown still serves, but must lead nothing and hold no ISR place.
            if (broker.ShuttingDown) shuttingDown.Add(broker.NodeId);
            if (!_seen.TryGetValue(broker.NodeId, out var seen))
            {
                var presumedDead = _presumedDead.TryGetValue(broker.NodeId, out var deposed) && deposed == broker.IncarnationId;
                _seen[broker.NodeId] = new Seen(broker.IncarnationId, broker.LastHeartbeat, now, presumedDead);
                continue;
            }

            // A new incarnation is a restart: the old process (and whatever it led) is gone even if the
            // new one came up too fast for its lease to lapse.
            if (seen.IncarnationId != broker.IncarnationId)
                restarted.Add(broker.NodeId);
            if (seen.IncarnationId != broker.IncarnationId || seen.LastHeartbeat != broker.LastHeartbeat)
                _seen[broker.NodeId] = new Seen(broker.IncarnationId, broker.LastHeartbeat, now);
        }

        foreach (var gone in _seen.Keys.Where(id => !registered.Contains(id)).ToList())
            _seen.Remove(gone);

        var live = _seen.Where(s => !s.Value.PresumedDead && !shuttingDown.Contains(s.Key) && time.GetElapsedTime(s.Value.Since, now) < sessionTimeout)
            .Select(s => s.Key).ToHashSet();
        var died = _live.Where(id => !live.Contains(id)).Order().ToList();
        var joined = live.Where(id => !_live.Contains(id)).Order().ToList();
        _live = live;
        return new LivenessChange(live, died, joined, restarted);
    }

    /// <summary>
    /// Counts the broker process <paramref name="incarnationId"/> of <paramref name="nodeId"/> dead from
    /// its first sighting, with no session timeout of watching: the previous controller, whose lease
    /// lapsed, which means it could not write to the store (its heartbeats included) for a whole lease
    /// duration. A heartbeat that moves after that proves it alive again, as for any broker; another
    /// incarnation of the node is a different process and gets the full watch.
    /// </summary>
    public void PresumeDead(int nodeId, Guid incarnationId)
    {
        _presumedDead[nodeId] = incarnationId;
        if (_seen.TryGetValue(nodeId, out var seen) && seen.IncarnationId == incarnationId)
            _seen[nodeId] = seen with { PresumedDead = true };
    }

    /// <summary>
    /// Starts every broker's wait afresh, keeping who is live: after this process could not read the
    /// rows for a while (Table storage unreachable), a heartbeat value that did not move says nothing,
    /// since the brokers could not write either; each gets a whole session timeout to show it is alive
    /// (a presumed-dead former controller too: this process's own view is what went stale).
    /// </summary>
    public void RestartClocks()
    {
        var now = time.GetTimestamp();
        _presumedDead.Clear();
        foreach (var id in _seen.Keys.ToList())
            _seen[id] = _seen[id] with { Since = now, PresumedDead = false };
    }

    private readonly record struct Seen(Guid IncarnationId, DateTimeOffset LastHeartbeat, long Since, bool PresumedDead = false);
}

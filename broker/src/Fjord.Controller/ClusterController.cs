using Fjord.Cluster;
using Microsoft.Extensions.Logging;

namespace Fjord.Controller;

/// <summary>
/// The cluster controller that every broker runs and at most one (the lease holder) acts as: KRaft's
/// active controller with Table storage as the quorum. A background loop claims or renews the lease,
/// and while holding it watches broker liveness and the metadata version and reconciles partition
/// rows (<see cref="ControllerPlanner"/>). Every write carries the lease token, so a deposed holder
/// writes nothing; every row write is a compare-and-swap on the partition epoch it was planned from.
/// </summary>
/// <remarks>
/// Table operations are the cost that matters while idle: the holder lists brokers and reads the
/// version once a tick and renews every LeaseDuration/3; a non-holder reads the lease row every
/// LeaseDuration/2. Topics and partition rows are read only when something changed. Measured on
/// Azurite with the defaults (TableClusterControllerTests): 150 requests an idle minute for the holder
/// (broker listing 1 + version 1 per tick, renewal 1 every 2 s), 20 for a standby.
/// Failover of a killed controller's broker with the defaults: a standby sees the last renewal's row
/// version within LeaseDuration/2 and takes over once it stayed for a LeaseDuration, 4-9 s after the
/// kill; it counts the deposed holder's broker dead at once and re-elects in that same tick. A clean
/// shutdown releases the lease, and the next claim (within LeaseDuration/2) takes over.
/// </remarks>
public sealed partial class ClusterController : IControllerService, IAsyncDisposable
{
    private const int FailureLogEvery = 60;

    /// <summary>How long a stopping controller tries to hand its lease over before letting it lapse instead.</summary>
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(2);

    private readonly ClusterControllerOptions _options;
    private readonly IMetadataStore _store;
    private readonly IControllerStore _controllerStore;
    private readonly TimeProvider _time;
    private readonly ILogger<ClusterController> _logger;
    private readonly CancellationTokenSource _stopping = new();

    // Serialises the loop's ticks with the admin requests: both read, plan and write as the controller.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Random _random = new();
    private readonly HashSet<int> _pendingRestarts = [];

    private TaskCompletionSource _wake = NewWake();
    private int _nudged;
    private Task? _loop;

    private volatile ControllerToken? _token;
    private long _renewedAt;
    private long _lastClaimAttempt;
    private bool _claimedBefore;
    private long _becameControllerAt;
    private long _lastRebalanceCheck;
    private BrokerLiveness? _liveness;
    private long? _lastVersion;
    private bool _replan;

    // Set when a tick failed (Table storage unreachable): liveness must be watched afresh before anyone is declared dead.
    private bool _lostSight;
    private bool _internalTopicsKnown;
    private IReadOnlyList<BrokerRegistration> _brokers = [];
    private volatile IReadOnlyList<PartitionState> _states = [];
    private long _completedTicks;
    private volatile bool _waiting;
    private int _disposed;
    private int _failedTicks;

    public ClusterController(
        ClusterControllerOptions options,
        IMetadataStore store,
        IControllerStore controllerStore,
        TimeProvider time,
        ILogger<ClusterController> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(controllerStore);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.LeaseDuration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Tick, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.SessionTimeout, TimeSpan.Zero);
        _options = options;
        _store = store;
        _controllerStore = controllerStore;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// True while this broker holds the lease and renewed it within a lease duration as its own clock
    /// measures: past that another broker may have taken over without this one hearing of it.
    /// </summary>
    public bool IsActive =>
        _token is not null && _time.GetElapsedTime(Interlocked.Read(ref _renewedAt)) < _options.LeaseDuration;

    /// <summary>The controller epoch while active, else null.</summary>
    public long? Epoch => IsActive ? _token?.Epoch : null;

    /// <summary>Ticks run so far (tests wait on it instead of sleeping).</summary>
    internal long CompletedTicks => Interlocked.Read(ref _completedTicks);

    /// <summary>True while the loop waits for its next tick with the timer armed (tests advance a fake clock only then).</summary>
    internal bool IsWaiting => _waiting;

    public Task StartAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (_loop is not null)
            throw new InvalidOperationException("The controller loop is already running.");
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public void Nudge()
    {
        Volatile.Write(ref _nudged, 1);
        _wake.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
            await _loop.ConfigureAwait(false);
        // A stopped broker answers nothing as the controller; its lease is handed over at once rather
        // than lingering until it lapses. An admin write still in flight is safe either way: the
        // store orders it with the release, and after the release it is fenced.
        var token = _token;
        _token = null;
        if (token is not null)
            await ReleaseAsync(token).ConfigureAwait(false);
        _stopping.Dispose();
        _gate.Dispose();
    }

    /// <summary>Best effort: when the store is slow or unreachable, the lease simply lapses as after a crash.</summary>
    private async Task ReleaseAsync(ControllerToken token)
    {
        using var timeout = new CancellationTokenSource(ReleaseTimeout, _time);
        try
        {
            if (await _controllerStore.ReleaseControllerAsync(token, timeout.Token).ConfigureAwait(false))
                ClusterControllerLog.ReleasedLease(_logger, _options.NodeId, token.Epoch);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ClusterControllerLog.ReleaseFailed(_logger, _options.NodeId, token.Epoch, e);
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await _gate.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    await TickAsync(ct).ConfigureAwait(false);
                }
                finally
                {
                    _gate.Release();
                }

                if (_failedTicks > 0)
                    ClusterControllerLog.Recovered(_logger, _failedTicks);
                _failedTicks = 0;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Table storage down or slow: keep the last known state; the lease lapses by itself if
                // this lasts, and IsActive follows it. One warning a minute, not one a tick.
                _replan = true;
                _lostSight = true;
                if (_failedTicks++ % FailureLogEvery == 0)
                    ClusterControllerLog.TickFailed(_logger, _failedTicks, e);
            }

            Interlocked.Increment(ref _completedTicks);
            await WaitForNextTickAsync(ct).ConfigureAwait(false);
        }
    }

    private async Task WaitForNextTickAsync(CancellationToken ct)
    {
        var wake = _wake;
        if (Volatile.Read(ref _nudged) != 0)
            return;
        using var delayStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var delay = Task.Delay(_options.Tick, _time, delayStop.Token);
        _waiting = true;
        try
        {
            await Task.WhenAny(delay, wake.Task).ConfigureAwait(false);
        }
        finally
        {
            _waiting = false;
            await delayStop.CancelAsync().ConfigureAwait(false);
        }

        if (wake.Task.IsCompleted)
            Interlocked.CompareExchange(ref _wake, NewWake(), wake);
    }

    private async Task TickAsync(CancellationToken ct)
    {
        var nudged = Interlocked.Exchange(ref _nudged, 0) != 0;
        await MaintainLeaseAsync(ct).ConfigureAwait(false);
        if (_token is not { } token || !IsActive)
            return;

        var brokers = await _store.ListBrokersAsync(ct).ConfigureAwait(false);
        _brokers = brokers;
        if (_lostSight)
            _liveness!.RestartClocks();
        _lostSight = false;
        var liveness = _liveness!.Observe(brokers);
        LogLiveness(liveness);
        foreach (var restarted in liveness.Restarted)
            _pendingRestarts.Add(restarted);

        var version = _options.KnownVersion is { } known ? known() : await _store.GetVersionAsync(ct).ConfigureAwait(false);
        var rebalanceDue = _options.AutoLeaderRebalanceEnable && _time.GetElapsedTime(_lastRebalanceCheck) >= _options.LeaderImbalanceCheckInterval;
        // Internal topics still wanted keep every tick reconciling: the warm-up ending is no change anyone writes.
        if (!nudged && !_replan && _internalTopicsKnown && !liveness.Any && version == _lastVersion && _pendingRestarts.Count == 0 && !rebalanceDue)
            return;

        // Recorded before the reads: a change landing meanwhile (our own writes included) moves the
        // version past it, and the next tick looks again.
        _lastVersion = version;
        _replan = true;
        await ReconcileAsync(token, rebalanceDue, ct).ConfigureAwait(false);
        if (rebalanceDue)
            _lastRebalanceCheck = _time.GetTimestamp();
    }

    /// <summary>Claims or renews the lease when due: renewals every third of a lease, claims by a non-holder every half.</summary>
    private async Task MaintainLeaseAsync(CancellationToken ct)
    {
        var interval = _token is null ? _options.LeaseDuration / 2 : _options.LeaseDuration / 3;
        if (_claimedBefore && _time.GetElapsedTime(_lastClaimAttempt) < interval)
            return;
        // Taken before the call: the lease is ours from no later than this instant, never from when the answer arrived.
        var attempt = _time.GetTimestamp();
        _lastClaimAttempt = attempt;
        _claimedBefore = true;
        var claim = await _controllerStore.TryClaimControllerAsync(_options.NodeId, _options.IncarnationId, _options.LeaseDuration, ct).ConfigureAwait(false);
        if (!claim.IsController)
        {
            if (_token is { } old)
                StepDown(old, $"broker {claim.Lease?.ControllerId} holds the lease at epoch {claim.Lease?.Epoch}");
            return;
        }

        var token = claim.Token!;
        if (_token is null || _token.Epoch != token.Epoch)
            BecomeController(token, attempt, claim);
        _token = token;
        Interlocked.Exchange(ref _renewedAt, attempt);
    }

    private void BecomeController(ControllerToken token, long now, ControllerClaim claim)
    {
        // A fresh term: liveness is watched from scratch (nobody is declared dead before a whole
        // session timeout), and the first reconciliation runs at once. The exception is the holder
        // whose lease lapsed: it could not write to the store for a whole lease duration, so its
        // heartbeats stopped too, and its partitions move in this first reconciliation.
        _liveness = new BrokerLiveness(_time, _options.SessionTimeout);
        _lostSight = false;
        if (claim.Lapsed is { } lapsed && lapsed.ControllerId != _options.NodeId)
        {
            _liveness.PresumeDead(lapsed.ControllerId, lapsed.IncarnationId);
            ClusterControllerLog.LapsedControllerPresumedDead(_logger, lapsed.ControllerId, lapsed.Epoch);
        }

        _becameControllerAt = now;
        _lastRebalanceCheck = now;
        _lastVersion = null;
        _replan = true;
        _internalTopicsKnown = false;
        _pendingRestarts.Clear();
        // This broker took the lease from its own previous process: that process restarted (this
        // one), so what it led or followed is revoked as for any restarted broker. A fresh liveness
        // view could not tell, having never seen the old incarnation.
        if (claim.Superseded is not null)
        {
            _pendingRestarts.Add(_options.NodeId);
            ClusterControllerLog.BrokerRestarted(_logger, _options.NodeId);
        }

        ClusterControllerLog.BecameController(_logger, _options.NodeId, token.Epoch);
    }

    private void StepDown(ControllerToken token, string reason)
    {
        _token = null;
        _liveness = null;
        ClusterControllerLog.SteppedDown(_logger, _options.NodeId, token.Epoch, reason);
    }

    private async Task ReconcileAsync(ControllerToken token, bool rebalance, CancellationToken ct)
    {
        var topics = await _store.ListTopicsAsync(ct).ConfigureAwait(false);
        var live = _liveness!.Live;
        topics = await EnsureInternalTopicsAsync(topics, live.Count, ct).ConfigureAwait(false);
        var states = await _controllerStore.ListPartitionStatesAsync(ct).ConfigureAwait(false);
        _states = states;

        var input = new ControllerPlanInput(topics, states, [.. _brokers.Select(b => new BrokerInfo(b.NodeId, b.Rack))], live, _pendingRestarts.ToHashSet())
        {
            UncleanLeaderElectionEnable = _options.UncleanLeaderElectionEnable,
            RebalancePreferredLeaders = rebalance,
            LeaderImbalancePerBrokerPercentage = _options.LeaderImbalancePerBrokerPercentage,
        };
        var plan = ControllerPlanner.Plan(input, _random);
        if (plan.Count == 0)
        {
            _pendingRestarts.Clear();
            _replan = false;
            return;
        }

        var outcome = await _controllerStore.WritePartitionStatesAsync(token, [.. plan.Select(c => (c.After, c.ExpectedPartitionEpoch))], ct).ConfigureAwait(false);
        switch (outcome)
        {
            case WriteOutcome.Written:
                foreach (var change in plan)
                    LogDecision(change);
                Remember(plan.Select(c => c.After));
                _pendingRestarts.Clear();
                _replan = false;
                break;
            case WriteOutcome.Fenced:
                StepDown(token, "its write was fenced: another broker took the lease");
                break;
            default:
                ClusterControllerLog.WriteConflict(_logger, plan.Count);
                break;
        }
    }

    /// <summary>
    /// Creates __consumer_offsets and __transaction_state once. While fewer brokers than their replication
    /// factor are alive, a new controller first watches for a session timeout, so a cluster that is still
    /// starting up gets the full factor rather than whatever registered first.
    /// </summary>
    private async Task<IReadOnlyList<TopicMetadata>> EnsureInternalTopicsAsync(IReadOnlyList<TopicMetadata> topics, int liveCount, CancellationToken ct)
    {
        if (_internalTopicsKnown)
            return topics;
        (string Name, int Partitions, short Factor)[] internals =
        [
            (TopicNames.ConsumerOffsets, _options.OffsetsTopicNumPartitions, _options.OffsetsTopicReplicationFactor),
            (TopicNames.TransactionState, _options.TransactionStateLogNumPartitions, _options.TransactionStateLogReplicationFactor),
        ];
        var warmedUp = _time.GetElapsedTime(_becameControllerAt) >= _options.SessionTimeout;
        var known = liveCount > 0;
        foreach (var (name, partitions, factor) in internals)
        {
            if (liveCount < factor && !warmedUp && !topics.Any(t => t.Name == name))
            {
                known = false;
                continue;
            }

            var topic = ControllerPlanner.InternalTopicToCreate(topics, name, liveCount, partitions, factor);
            if (topic is null)
                continue;
            if (await _store.CreateTopicAsync(topic, ct).ConfigureAwait(false) != CreateTopicOutcome.Created)
                return await _store.ListTopicsAsync(ct).ConfigureAwait(false);
            ClusterControllerLog.InternalTopicCreated(_logger, topic.Name, topic.PartitionCount, topic.ReplicationFactor);
            topics = [.. topics, topic];
        }

        _internalTopicsKnown = known;
        return topics;
    }

    /// <summary>Folds written rows into the cached states that ListPartitionReassignments answers from.</summary>
    private void Remember(IEnumerable<PartitionState> written)
    {
        var byKey = _states.ToDictionary(s => (s.Topic, s.Partition));
        foreach (var state in written)
            byKey[(state.Topic, state.Partition)] = state;
        _states = [.. byKey.Values.OrderBy(s => s.Topic, StringComparer.Ordinal).ThenBy(s => s.Partition)];
    }

    private void LogLiveness(LivenessChange change)
    {
        foreach (var id in change.Died)
            ClusterControllerLog.BrokerDied(_logger, id);
        foreach (var id in change.Joined)
            ClusterControllerLog.BrokerJoined(_logger, id);
        foreach (var id in change.Restarted)
            ClusterControllerLog.BrokerRestarted(_logger, id);
    }

    private void LogDecision(PlannedChange change)
    {
        var (before, after) = (change.Before, change.After);
        var isr = ControllerPlanner.Join(after.Isr);
        switch (change.Decision)
        {
            case ControllerDecision.PartitionCreated:
                ClusterControllerLog.PartitionCreated(_logger, after.Topic, after.Partition, ControllerPlanner.Join(after.Replicas), after.Leader, isr);
                break;
            case ControllerDecision.LeaderElected:
                ClusterControllerLog.LeaderElected(_logger, after.Topic, after.Partition, before?.Leader ?? PartitionState.NoLeader, after.Leader, after.LeaderEpoch, isr);
                break;
            case ControllerDecision.UncleanLeaderElected:
                ClusterControllerLog.UncleanLeaderElected(_logger, after.Topic, after.Partition, after.Leader, after.LeaderEpoch);
                break;
            case ControllerDecision.PartitionOffline:
                ClusterControllerLog.PartitionOffline(_logger, after.Topic, after.Partition, isr);
                break;
            case ControllerDecision.IsrShrunk:
                ClusterControllerLog.IsrShrunk(_logger, after.Topic, after.Partition, ControllerPlanner.Join(before?.Isr ?? []), isr);
                break;
            case ControllerDecision.IsrExpanded:
                ClusterControllerLog.IsrExpanded(_logger, after.Topic, after.Partition, ControllerPlanner.Join(before?.Isr ?? []), isr);
                break;
            case ControllerDecision.PreferredLeaderElected:
                ClusterControllerLog.PreferredLeaderElected(_logger, after.Topic, after.Partition, after.Leader, after.LeaderEpoch);
                break;
            case ControllerDecision.ReassignmentCompleted:
                ClusterControllerLog.ReassignmentCompleted(_logger, after.Topic, after.Partition, ControllerPlanner.Join(after.Replicas), after.Leader, isr);
                break;
        }
    }

    private static TaskCompletionSource NewWake() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

using Fjord.Cluster;
using Fjord.Controller;
using Fjord.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Broker.Tests.Controller;

/// <summary>
/// Brokers that exist only as rows in an <see cref="InMemoryMetadataStore"/> (registered, heartbeating
/// or not) and controllers on a <see cref="FakeTimeProvider"/>. Time moves one controller tick per
/// <see cref="StepAsync"/>, and each step waits until every running controller has finished the tick
/// that time fired, so tests can say "after five seconds, not yet" without sleeping.
/// </summary>
internal sealed class ControllerTestCluster : IAsyncDisposable
{
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(6);
    public static readonly TimeSpan Session = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly Dictionary<int, Guid> _incarnations = [];
    private readonly HashSet<int> _beating = [];
    private readonly List<ClusterController> _all = [];

    public ControllerTestCluster()
    {
        Store = new InMemoryMetadataStore(Time);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public InMemoryMetadataStore Store { get; }

    /// <summary>The controllers <see cref="StepAsync"/> waits for (a test drops one it has paused).</summary>
    public List<ClusterController> Running { get; } = [];

    public CancellationToken Ct { get; } = new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    public static ClusterControllerOptions Options(int nodeId) => new()
    {
        NodeId = nodeId,
        IncarnationId = Guid.NewGuid(),
        LeaseDuration = Lease,
        Tick = Tick,
        SessionTimeout = Session,
        AutoLeaderRebalanceEnable = false,
        OffsetsTopicNumPartitions = 3,
        OffsetsTopicReplicationFactor = 3,
    };

    public async Task RegisterAsync(params int[] nodeIds)
    {
        foreach (var id in nodeIds)
        {
            var incarnation = Guid.NewGuid();
            _incarnations[id] = incarnation;
            _beating.Add(id);
            await Store.RegisterBrokerAsync(new BrokerRegistration(id, incarnation, [new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9000 + id, "PLAINTEXT")], null, Time.GetUtcNow()), Ct);
        }
    }

    /// <summary>The broker process is gone: its heartbeats stop.</summary>
    public void Kill(int nodeId) => _beating.Remove(nodeId);

    public void Revive(int nodeId) => _beating.Add(nodeId);

    /// <summary>
    /// Starts the controller of broker <paramref name="nodeId"/>, as the broker process it registered
    /// (same incarnation, as KafkaBroker does) unless <paramref name="tune"/> says otherwise.
    /// </summary>
    public async Task<ClusterController> StartControllerAsync(int nodeId, IMetadataStore? store = null, IControllerStore? controllerStore = null, Func<ClusterControllerOptions, ClusterControllerOptions>? tune = null)
    {
        var options = Options(nodeId);
        if (_incarnations.TryGetValue(nodeId, out var registered))
            options = options with { IncarnationId = registered };
        options = tune?.Invoke(options) ?? options;
        var controller = new ClusterController(options, store ?? Store, controllerStore ?? Store, Time, NullLogger<ClusterController>.Instance);
        _all.Add(controller);
        Running.Add(controller);
        await controller.StartAsync(Ct);
        await SettleAsync(controller, 0);
        return controller;
    }

    /// <summary>Heartbeats the live brokers, moves time on one tick, and waits for every running controller to act on it.</summary>
    public async Task StepAsync(int steps = 1)
    {
        for (var i = 0; i < steps; i++)
        {
            foreach (var id in _beating)
                await Store.HeartbeatAsync(id, _incarnations[id], Ct);
            var before = Running.ToDictionary(c => c, c => c.CompletedTicks);
            foreach (var controller in Running)
                await Poll.UntilAsync(() => controller.IsWaiting, Deadline, "the controller to wait for its next tick");
            Time.Advance(Tick);
            foreach (var (controller, ticks) in before)
                await SettleAsync(controller, ticks);
        }
    }

    /// <summary>Steps until <paramref name="condition"/> holds, failing after <paramref name="maxSteps"/>; returns the steps taken.</summary>
    public async Task<int> StepUntilAsync(Func<Task<bool>> condition, int maxSteps, string what)
    {
        for (var steps = 0; steps <= maxSteps; steps++)
        {
            if (await condition())
                return steps;
            await StepAsync();
        }

        throw new TimeoutException($"Still waiting after {maxSteps} steps for {what}.");
    }

    public async Task NudgeAsync(ClusterController controller)
    {
        var before = controller.CompletedTicks;
        controller.Nudge();
        await SettleAsync(controller, before);
    }

    public Task<PartitionState?> StateAsync(string topic, int partition) => Store.GetPartitionStateAsync(topic, partition, Ct);

    public async Task CreateTopicAsync(string name, int partitions, short replicationFactor, IReadOnlyList<IReadOnlyList<int>>? assignment = null, Dictionary<string, string>? configs = null) =>
        Assert.Equal(CreateTopicOutcome.Created, await Store.CreateTopicAsync(new TopicMetadata(name, Guid.NewGuid(), partitions, replicationFactor, configs ?? [], assignment), Ct));

    public async ValueTask DisposeAsync()
    {
        foreach (var controller in _all)
            await controller.DisposeAsync();
    }

    private static Task SettleAsync(ClusterController controller, long ticksBefore) =>
        Poll.UntilAsync(() => controller.CompletedTicks > ticksBefore && controller.IsWaiting, Deadline, "the controller to finish a tick");
}

using Fjord.Cluster;
using Fjord.Groups;
using Fjord.Protocol;
using Fjord.Transactions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Broker.Tests.Transactions;

/// <summary>
/// Transaction coordinators on one in-memory store, a fake marker writer each and a fake clock; time only
/// moves when a test advances it. Producer ids come from a counter starting at 1000.
/// </summary>
internal sealed class TransactionHarness : IAsyncDisposable
{
    public const int Partitions = 4;
    public const int OffsetsPartitions = 50;
    public const int TimeoutMs = 60_000;

    private static readonly TimeSpan AwaitLimit = TimeSpan.FromSeconds(30);
    private readonly List<TransactionCoordinator> _coordinators = [];
    private long _nextProducerId = 1000;

    public TransactionHarness(TransactionCoordinatorConfig? config = null)
    {
        Config = config ?? new TransactionCoordinatorConfig { TransactionStateLogNumPartitions = Partitions };
        Coordinator = NewCoordinator(Markers);
    }

    public TransactionCoordinatorConfig Config { get; }

    public InMemoryTransactionStateStore Store { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public FakeMarkerWriter Markers { get; } = new();

    public TransactionCoordinator Coordinator { get; }

    public CancellationToken Ct { get; } = new CancellationTokenSource(AwaitLimit).Token;

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public static int OffsetsPartitionOf(string groupId) => GroupCoordinator.PartitionFor(groupId, OffsetsPartitions);

    /// <summary>Another coordinator (another broker) over the same store, owning nothing yet.</summary>
    public TransactionCoordinator NewCoordinator(FakeMarkerWriter markers, ITransactionStateStore? store = null)
    {
        var coordinator = new TransactionCoordinator(Config, store ?? Store, markers,
            _ => ValueTask.FromResult(Interlocked.Increment(ref _nextProducerId) - 1),
            OffsetsPartitionOf, Time, NullLogger<TransactionCoordinator>.Instance);
        _coordinators.Add(coordinator);
        return coordinator;
    }

    /// <summary>Makes the coordinator own every partition at <paramref name="coordinatorEpoch"/>.</summary>
    public async Task LoadAllAsync(TransactionCoordinator? coordinator = null, int coordinatorEpoch = 1)
    {
        coordinator ??= Coordinator;
        for (var p = 0; p < Config.TransactionStateLogNumPartitions; p++)
            await coordinator.LoadPartitionAsync(p, coordinatorEpoch).WaitAsync(AwaitLimit);
    }

    public static async Task<TransactionHarness> StartAsync(TransactionCoordinatorConfig? config = null)
    {
        var harness = new TransactionHarness(config);
        await harness.LoadAllAsync();
        return harness;
    }

    public async Task<InitProducerIdResult> InitAsync(string id, TransactionCoordinator? coordinator = null) =>
        await (coordinator ?? Coordinator).InitProducerIdAsync(id, TimeoutMs, -1, -1, Ct);

    /// <summary>InitProducerId, then AddPartitions of <paramref name="partitions"/>: an open transaction.</summary>
    public async Task<InitProducerIdResult> BeginAsync(string id, params (string Topic, int Partition)[] partitions)
    {
        var init = await InitAsync(id);
        Assert.Equal(ErrorCode.None, init.Error);
        var added = await Coordinator.AddPartitionsAsync(id, init.ProducerId, init.ProducerEpoch, partitions, verifyOnly: false, Ct);
        Assert.All(added, r => Assert.Equal(ErrorCode.None, r.Error));
        return init;
    }

    public TransactionDescription Describe(string id, TransactionCoordinator? coordinator = null) =>
        (coordinator ?? Coordinator).Describe([id]).Single();

    public async Task<TransactionMetadata> StoredAsync(string id) =>
        (await Store.ReadAsync(Coordinator.PartitionFor(id), id, Ct))!.Metadata;

    /// <summary>Waits for every marker write and completion started so far.</summary>
    public Task SettleAsync(TransactionCoordinator? coordinator = null) =>
        (coordinator ?? Coordinator).WhenCompletionsIdleAsync().WaitAsync(AwaitLimit);

    /// <summary>Polls (advancing the fake clock, which drives retry backoff) until the condition holds.</summary>
    public async Task EventuallyAsync(Func<bool> condition, TimeSpan? step = null)
    {
        var deadline = DateTime.UtcNow + AwaitLimit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            Time.Advance(step ?? TimeSpan.FromMilliseconds(100));
            await Task.Delay(5);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Markers.Release();
        foreach (var coordinator in _coordinators)
            await coordinator.DisposeAsync();
    }
}

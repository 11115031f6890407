using System.Collections.Concurrent;
using System.Net;
using Fjord.Broker.Configuration;
using Fjord.Broker.Handlers;
using Fjord.Broker.Network;
using Fjord.Broker.Producers;
using Fjord.Cluster;
using Fjord.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Broker.Tests.Producers;

/// <summary>
/// The producer-id manager over a scripted store: ids stay unique across blocks and concurrent callers,
/// the next block is claimed before the current one runs out, and a store that cannot be reached
/// surfaces as COORDINATOR_LOAD_IN_PROGRESS (Kafka's retriable answer) until it is back.
/// </summary>
public sealed class ProducerIdManagerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));
    private readonly FakeTimeProvider _clock = new();

    private CancellationToken Ct => _timeout.Token;

    [Fact]
    public async Task IdsAreUniqueAndAscendingAcrossBlockBoundaries()
    {
        var store = new ScriptedStore();
        using var manager = Manager(store, blockSize: 10);

        var ids = new List<long>();
        for (var i = 0; i < 95; i++)
            ids.Add(await manager.GenerateProducerIdAsync(Ct));

        Assert.Equal(Enumerable.Range(0, 95).Select(i => (long)i), ids);
        Assert.Equal(10, store.Claims);
    }

    [Fact]
    public async Task ConcurrentCallersGetDistinctIds()
    {
        var store = new ScriptedStore();
        using var manager = Manager(store, blockSize: 50);
        const int Callers = 8;
        const int IdsEach = 250;

        using var start = new Barrier(Callers);
        var ids = await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            start.SignalAndWait(Ct);
            var mine = new List<long>();
            for (var i = 0; i < IdsEach; i++)
                mine.Add(await manager.GenerateProducerIdAsync(Ct));
            return mine;
        }, Ct)));

        var all = ids.SelectMany(x => x).ToList();
        Assert.Equal(Callers * IdsEach, all.Count);
        Assert.Equal(all.Count, all.Distinct().Count());
        // Every id came from a block the store handed to this broker.
        Assert.All(all, id => Assert.Contains(store.Blocks, b => id >= b.FirstProducerId && id <= b.LastProducerId));
    }

    [Fact]
    public async Task TheNextBlockIsClaimedAtNinetyPercentSoTheBoundaryDoesNotWaitOnTheStore()
    {
        var store = new ScriptedStore();
        using var manager = Manager(store, blockSize: 10);

        for (var i = 0; i < 9; i++)
            await manager.GenerateProducerIdAsync(Ct);
        Assert.Equal(1, store.Claims);

        // The tenth id (90% of the block) starts the claim of the next block in the background.
        Assert.Equal(9, await manager.GenerateProducerIdAsync(Ct));
        await Until(() => store.Claims == 2 && store.InFlight == 0, "the prefetch claim");

        // From now on the store is down, yet the whole next block is served from memory.
        store.Fail = new InvalidOperationException("store down");
        for (var i = 10; i < 19; i++)
            Assert.Equal(i, await manager.GenerateProducerIdAsync(Ct));
    }

    [Fact]
    public async Task AnUnreachableStoreSurfacesAsCoordinatorLoadInProgressAndTheManagerRecovers()
    {
        var store = new ScriptedStore { Fail = new InvalidOperationException("store down") };
        using var manager = Manager(store, blockSize: 10);
        await using var transactions = new Transactions.TransactionHarness();
        var handler = new InitProducerIdHandler(manager, transactions.Coordinator, Fjord.Broker.Security.AllowAllAuthorizer.Instance);

        var refused = await InitProducerIdAsync(handler, version: 4);
        Assert.Equal((short)ErrorCode.CoordinatorLoadInProgress, refused.ErrorCode);
        Assert.Equal((-1L, (short)-1), (refused.ProducerId, refused.ProducerEpoch));
        var e = await Assert.ThrowsAsync<ProducerIdsUnavailableException>(() => manager.GenerateProducerIdAsync(Ct).AsTask());
        Assert.Contains("store down", e.Message, StringComparison.Ordinal);

        store.Fail = null;
        var granted = await InitProducerIdAsync(handler, version: 4);
        Assert.Equal((short)ErrorCode.None, granted.ErrorCode);
        Assert.Equal((0L, (short)0), (granted.ProducerId, granted.ProducerEpoch));
    }

    [Fact]
    public async Task AStoreThatHangsIsGivenUpOnAfterTheMaximumWait()
    {
        var store = new ScriptedStore();
        var hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Gate = hang.Task;
        using var manager = Manager(store, blockSize: 10, maxWait: TimeSpan.FromSeconds(5));

        var waiting = manager.GenerateProducerIdAsync(Ct).AsTask();
        await Until(() => store.InFlight == 1, "the claim to reach the store");
        // The wait's timer is on the fake clock: move it on until the wait gives up.
        await Until(() => { _clock.Advance(TimeSpan.FromSeconds(1)); return waiting.IsCompleted; }, "the wait to give up");
        await Assert.ThrowsAsync<ProducerIdsUnavailableException>(() => waiting);

        // The claim still lands, and the next request is served from it.
        hang.SetResult();
        Assert.Equal(0, await manager.GenerateProducerIdAsync(Ct));
    }

    [Fact]
    public async Task AStoreHandingOutAnOlderBlockIsNotTrusted()
    {
        var store = new ScriptedStore();
        using var manager = Manager(store, blockSize: 10);
        for (var i = 0; i < 10; i++)
            await manager.GenerateProducerIdAsync(Ct);
        await Until(() => store.Claims == 2 && store.InFlight == 0, "the prefetch claim");
        for (var i = 10; i < 20; i++)
            await manager.GenerateProducerIdAsync(Ct);
        await Until(() => store.Claims == 3 && store.InFlight == 0, "the second prefetch claim");

        // The third block (20..29) is claimed; then the store goes back in time and hands out 0.. again.
        store.NextProducerId = 0;
        for (var i = 20; i < 30; i++)
            Assert.Equal(i, await manager.GenerateProducerIdAsync(Ct));
        await Assert.ThrowsAsync<ProducerIdsUnavailableException>(() => manager.GenerateProducerIdAsync(Ct).AsTask());
    }

    private ProducerIdManager Manager(ScriptedStore store, int blockSize, TimeSpan? maxWait = null) =>
        new(store, brokerId: 3, _clock, NullLogger<ProducerIdManager>.Instance, blockSize, maxWait);

    private async Task<InitProducerIdResponse> InitProducerIdAsync(InitProducerIdHandler handler, short version)
    {
        using var body = new ResponseBuffer();
        var writer = new KafkaWriter(body);
        new InitProducerIdRequest { TransactionalId = null }.Write(ref writer, version);
        var session = new ClientSession(1, new ListenerEndpoint("PLAINTEXT", "127.0.0.1", 9092), IPAddress.Loopback);
        var context = new RequestContext(ApiKey.InitProducerId, version, 1, "test", session);
        using var output = new ResponseBuffer();
        Assert.True(await handler.HandleAsync(context, body.WrittenMemory.ToArray(), output, Ct));
        var response = new InitProducerIdResponse();
        var reader = new KafkaReader(output.WrittenMemory);
        response.Read(ref reader, version);
        return response;
    }

    private async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(5, Ct);
        }
    }

    /// <summary>A counter store whose failures and delays the test scripts.</summary>
    private sealed class ScriptedStore : IProducerIdStore
    {
        private int _claims;
        private int _inFlight;

        public Exception? Fail { get; set; }

        public Task? Gate { get; set; }

        public long NextProducerId { get; set; }

        public int Claims => Volatile.Read(ref _claims);

        public int InFlight => Volatile.Read(ref _inFlight);

        public ConcurrentBag<ProducerIdBlock> Blocks { get; } = [];

        public async Task<ProducerIdBlock> AllocateProducerIdBlockAsync(int brokerId, int blockSize, CancellationToken ct)
        {
            Interlocked.Increment(ref _inFlight);
            try
            {
                if (Gate is { } gate)
                    await gate.WaitAsync(ct);
                if (Fail is { } failure)
                    throw failure;
                var block = new ProducerIdBlock(brokerId, NextProducerId, blockSize);
                NextProducerId = block.LastProducerId + 1;
                Blocks.Add(block);
                Interlocked.Increment(ref _claims);
                return block;
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }
}

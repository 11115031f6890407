using System.Collections.Concurrent;
using Fjord.Security.Credentials;
using Fjord.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Security.Tests.Credentials;

public sealed class ScramCredentialCacheTests
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly InMemoryScramCredentialStore _store = new();
    private readonly FakeTimeProvider _time = new();
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;

    [Fact]
    public async Task StartLoadsEveryCredential()
    {
        await _store.UpsertAsync("alice", ScramMechanism.ScramSha256, Credential(1), _ct);
        await _store.UpsertAsync("alice", ScramMechanism.ScramSha512, Credential(2), _ct);
        await using var cache = NewCache();

        Assert.False(cache.TryGet("alice", ScramMechanism.ScramSha256, out _));
        await cache.StartAsync(_ct);

        Assert.True(cache.TryGet("alice", ScramMechanism.ScramSha256, out var credential));
        Assert.Equal(1, credential.Salt[0]);
        Assert.True(cache.TryGet("alice", ScramMechanism.ScramSha512, out _));
        Assert.False(cache.TryGet("bob", ScramMechanism.ScramSha256, out _));
        Assert.False(cache.TryGet("Alice", ScramMechanism.ScramSha256, out _));
        Assert.Equal(2, cache.Version);
    }

    [Fact]
    public async Task AChangeInTheStoreIsPickedUpOnAPollTick()
    {
        await using var cache = NewCache();
        await cache.StartAsync(_ct);

        await _store.UpsertAsync("bob", ScramMechanism.ScramSha512, Credential(3), _ct);

        await Poll.UntilAsync(() => AdvanceThen(() => cache.TryGet("bob", ScramMechanism.ScramSha512, out _)), Deadline, "bob's credential in the cache");
    }

    [Fact]
    public async Task ADeletedCredentialRaisesCredentialRemovedWithTheUserOnce()
    {
        await _store.UpsertAsync("alice", ScramMechanism.ScramSha256, Credential(1), _ct);
        await _store.UpsertAsync("alice", ScramMechanism.ScramSha512, Credential(2), _ct);
        await _store.UpsertAsync("bob", ScramMechanism.ScramSha512, Credential(3), _ct);
        await using var cache = NewCache();
        var removed = new ConcurrentQueue<string>();
        cache.CredentialRemoved += removed.Enqueue;
        await cache.StartAsync(_ct);

        await _store.DeleteAsync("alice", ScramMechanism.ScramSha256, _ct);
        await _store.DeleteAsync("alice", ScramMechanism.ScramSha512, _ct);

        await Poll.UntilAsync(() => AdvanceThen(() => !removed.IsEmpty), Deadline, "CredentialRemoved for alice");
        Assert.Equal(["alice"], removed);
        Assert.False(cache.TryGet("alice", ScramMechanism.ScramSha512, out _));
        Assert.True(cache.TryGet("bob", ScramMechanism.ScramSha512, out _));
    }

    [Fact]
    public async Task RemovingOneOfAUsersMechanismsRaisesCredentialRemoved()
    {
        await _store.UpsertAsync("alice", ScramMechanism.ScramSha256, Credential(1), _ct);
        await _store.UpsertAsync("alice", ScramMechanism.ScramSha512, Credential(2), _ct);
        await using var cache = NewCache();
        var removed = new ConcurrentQueue<string>();
        cache.CredentialRemoved += removed.Enqueue;
        await cache.StartAsync(_ct);

        await _store.DeleteAsync("alice", ScramMechanism.ScramSha256, _ct);
        await cache.RefreshAsync(_ct);

        Assert.Equal(["alice"], removed);
        Assert.True(cache.TryGet("alice", ScramMechanism.ScramSha512, out _));
    }

    [Fact]
    public async Task RefreshMakesALocalWriteVisibleAtOnce()
    {
        await using var cache = NewCache();
        await cache.StartAsync(_ct);

        await _store.UpsertAsync("carol", ScramMechanism.ScramSha256, Credential(4), _ct);
        await cache.RefreshAsync(_ct);

        Assert.True(cache.TryGet("carol", ScramMechanism.ScramSha256, out _));
    }

    [Fact]
    public async Task AStorageOutageKeepsTheLastSnapshotServingAndRecovers()
    {
        var flaky = new FlakyStore(_store);
        await _store.UpsertAsync("alice", ScramMechanism.ScramSha256, Credential(1), _ct);
        await using var cache = new ScramCredentialCache(flaky, PollInterval, _time, NullLogger.Instance);
        await cache.StartAsync(_ct);

        flaky.Failing = true;
        await _store.UpsertAsync("bob", ScramMechanism.ScramSha256, Credential(2), _ct);
        await Poll.UntilAsync(() => AdvanceThen(() => flaky.FailedCalls >= 2), Deadline, "the cache to poll the failing store twice");
        Assert.True(cache.TryGet("alice", ScramMechanism.ScramSha256, out _));

        flaky.Failing = false;
        await Poll.UntilAsync(() => AdvanceThen(() => cache.TryGet("bob", ScramMechanism.ScramSha256, out _)), Deadline, "bob after the outage");
    }

    [Fact]
    public async Task AThrowingRemovalHandlerDoesNotStopOthersOrThePolling()
    {
        await _store.UpsertAsync("alice", ScramMechanism.ScramSha256, Credential(1), _ct);
        await using var cache = NewCache();
        var removed = new ConcurrentQueue<string>();
        cache.CredentialRemoved += _ => throw new InvalidOperationException("handler bug");
        cache.CredentialRemoved += removed.Enqueue;
        await cache.StartAsync(_ct);

        await _store.DeleteAsync("alice", ScramMechanism.ScramSha256, _ct);
        await Poll.UntilAsync(() => AdvanceThen(() => !removed.IsEmpty), Deadline, "the second handler");
        await _store.UpsertAsync("bob", ScramMechanism.ScramSha256, Credential(2), _ct);

        await Poll.UntilAsync(() => AdvanceThen(() => cache.TryGet("bob", ScramMechanism.ScramSha256, out _)), Deadline, "polling to go on");
    }

    [Fact]
    public async Task ALookupHitAllocatesNothing()
    {
        await _store.UpsertAsync("alice", ScramMechanism.ScramSha512, Credential(1), _ct);
        await using var cache = NewCache();
        await cache.StartAsync(_ct);
        var user = "alice";
        cache.TryGet(user, ScramMechanism.ScramSha512, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
            cache.TryGet(user, ScramMechanism.ScramSha512, out _);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private ScramCredentialCache NewCache() => new(_store, PollInterval, _time, NullLogger.Instance);

    /// <summary>One poll interval passes, then the condition is checked; the poll loop runs on the thread pool.</summary>
    private bool AdvanceThen(Func<bool> condition)
    {
        if (condition())
            return true;
        _time.Advance(PollInterval);
        return false;
    }

    private static ScramCredential Credential(byte seed) => new([seed], new byte[64], new byte[64], 4096);

    private sealed class FlakyStore(IScramCredentialStore inner) : IScramCredentialStore
    {
        private int _failedCalls;

        public volatile bool Failing;

        public int FailedCalls => Volatile.Read(ref _failedCalls);

        public Task InitializeAsync(CancellationToken ct) => inner.InitializeAsync(ct);

        public Task<long> ReadVersionAsync(CancellationToken ct) => Failing ? Fail<long>() : inner.ReadVersionAsync(ct);

        public Task<(IReadOnlyList<UserScramCredential> Credentials, long Version)> LoadAsync(CancellationToken ct) =>
            Failing ? Fail<(IReadOnlyList<UserScramCredential>, long)>() : inner.LoadAsync(ct);

        public Task UpsertAsync(string user, ScramMechanism mechanism, ScramCredential credential, CancellationToken ct) => inner.UpsertAsync(user, mechanism, credential, ct);

        public Task<bool> DeleteAsync(string user, ScramMechanism mechanism, CancellationToken ct) => inner.DeleteAsync(user, mechanism, ct);

        private Task<T> Fail<T>()
        {
            Interlocked.Increment(ref _failedCalls);
            return Task.FromException<T>(new IOException("storage is down"));
        }
    }
}

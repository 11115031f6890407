using Fjord.Security.Authorization;
using Fjord.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Fjord.Security.Tests.Authorization.Acls;

namespace Fjord.Security.Tests.Authorization;

public sealed class AclCacheTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly AclBinding AliceReadsOrders = AllowTopic("User:alice", AclOperation.Read, "orders");

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));
    private readonly FakeTimeProvider _time = new();
    private readonly FlakyAclStore _store = new(new InMemoryAclStore());
    private readonly AclAuthorizer _authorizer = new(new AuthorizerOptions());
    private readonly AclCache _cache;

    public AclCacheTests() => _cache = new AclCache(_store, _authorizer, Interval, _time, NullLogger.Instance);

    private CancellationToken Ct => _timeout.Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _cache.DisposeAsync();
        _timeout.Dispose();
    }

    private bool AliceMayReadOrders() => _authorizer.Authorize(Alice, ClientHost, AclOperation.Read, ResourceType.Topic, "orders");

    /// <summary>Moves fake time on a poll interval at a time until the condition holds, so no tick is missed while the loop is busy.</summary>
    private Task PollingUntilAsync(Func<bool> condition, string what) =>
        Poll.UntilAsync(() =>
        {
            if (condition()) return true;
            _time.Advance(Interval);
            return false;
        }, Deadline, what);

    [Fact]
    public async Task StartLoadsTheStoredAcls()
    {
        await _store.CreateAsync([AliceReadsOrders], Ct);

        await _cache.StartAsync(Ct);

        Assert.True(AliceMayReadOrders());
        Assert.Equal(await _store.ReadVersionAsync(Ct), _cache.Version);
    }

    [Fact]
    public async Task AChangeMadeElsewhereArrivesWithTheNextPoll()
    {
        await _cache.StartAsync(Ct);
        var changed = 0;
        _cache.Changed += () => Interlocked.Increment(ref changed);

        await _store.CreateAsync([AliceReadsOrders], Ct);

        // No time has passed, so no poll has run: the old snapshot still decides.
        Assert.False(AliceMayReadOrders());
        await PollingUntilAsync(AliceMayReadOrders, "the new ACL to reach the authorizer");
        Assert.Equal(1, Volatile.Read(ref changed));
    }

    [Fact]
    public async Task APollThatFindsTheSameVersionDoesNotReload()
    {
        await _store.CreateAsync([AliceReadsOrders], Ct);
        await _cache.StartAsync(Ct);
        var loads = _store.Loads;

        await PollingUntilAsync(() => _store.VersionReads >= 3, "three polls");

        Assert.Equal(loads, _store.Loads);
    }

    [Fact]
    public async Task RefreshMakesALocalWriteVisibleAtOnce()
    {
        await _cache.StartAsync(Ct);
        var changed = false;
        _cache.Changed += () => changed = true;

        await _store.CreateAsync([AliceReadsOrders], Ct);
        await _cache.RefreshAsync(Ct);

        Assert.True(AliceMayReadOrders());
        Assert.True(changed);
    }

    [Fact]
    public async Task WhileTheStoreFailsTheLastSnapshotKeepsServingAndRecoveryCatchesUp()
    {
        await _store.CreateAsync([AliceReadsOrders], Ct);
        await _cache.StartAsync(Ct);
        _store.Failing = true;

        await PollingUntilAsync(() => _store.FailedCalls >= 3, "three failed polls");
        Assert.True(AliceMayReadOrders());

        _store.Failing = false;
        await _store.DeleteAsync(AclBindingFilter.Any, Ct);
        await PollingUntilAsync(() => !AliceMayReadOrders(), "the delete to reach the authorizer after the outage");
    }

    [Fact]
    public async Task AFailedStartSaysSo()
    {
        _store.Failing = true;

        await Assert.ThrowsAsync<InvalidOperationException>(() => _cache.StartAsync(Ct));
    }

    [Fact]
    public async Task DisposingStopsPolling()
    {
        await _cache.StartAsync(Ct);
        await _cache.DisposeAsync();
        var reads = _store.VersionReads;

        _time.Advance(Interval * 10);

        Assert.Equal(reads, _store.VersionReads);
    }

    /// <summary>A store that can be made to fail, and counts what it was asked.</summary>
    private sealed class FlakyAclStore(IAclStore inner) : IAclStore
    {
        private int _versionReads;
        private int _loads;
        private int _failedCalls;
        private volatile bool _failing;

        /// <summary>Set by the test, read by the cache's poll loop on another thread.</summary>
        public bool Failing
        {
            get => _failing;
            set => _failing = value;
        }
        public int VersionReads => Volatile.Read(ref _versionReads);
        public int Loads => Volatile.Read(ref _loads);
        public int FailedCalls => Volatile.Read(ref _failedCalls);

        public Task InitializeAsync(CancellationToken ct) => inner.InitializeAsync(ct);

        public Task<long> ReadVersionAsync(CancellationToken ct)
        {
            Interlocked.Increment(ref _versionReads);
            ThrowIfFailing();
            return inner.ReadVersionAsync(ct);
        }

        public Task<(IReadOnlyList<AclBinding> Acls, long Version)> LoadAsync(CancellationToken ct)
        {
            Interlocked.Increment(ref _loads);
            ThrowIfFailing();
            return inner.LoadAsync(ct);
        }

        public Task CreateAsync(IReadOnlyList<AclBinding> bindings, CancellationToken ct) => inner.CreateAsync(bindings, ct);

        public Task<IReadOnlyList<AclBinding>> DeleteAsync(AclBindingFilter filter, CancellationToken ct) => inner.DeleteAsync(filter, ct);

        private void ThrowIfFailing()
        {
            if (!Failing) return;
            Interlocked.Increment(ref _failedCalls);
            throw new InvalidOperationException("storage is down");
        }
    }
}

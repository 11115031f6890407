using Azure.Data.Tables;
using Fjord.Broker.Operations;
using Fjord.Cluster;
using Fjord.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.ControlPlane.Tests.Cluster;

/// <summary>
/// The broker's status row on Azurite: written when the figures change or as a liveness mark, read back whole, and a
/// table outage that neither throws nor stops later writes.
/// </summary>
public sealed class BrokerStatusPublisherTests : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly AzuriteFixture _azurite;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private readonly Guid _incarnation = Guid.NewGuid();
    private BrokerTierLag _lag = BrokerTierLag.None;

    public BrokerStatusPublisherTests(AzuriteFixture azurite) => _azurite = azurite;

    private BrokerStatus Measure(DateTimeOffset now, TimeSpan refresh) =>
        new(3, _incarnation, "1.2.3", _time.Start, now, refresh, 4, 8, 1, _lag);

    private TableBrokerStatusStore NewStore(string? connection = null) =>
        new(new TableServiceClient(connection ?? _azurite.ConnectionString), FjordTestCluster.NewTableName());

    [Fact]
    public async Task TheRowIsWrittenWhenTheFiguresChangeAndOtherwiseOnlyEveryRefreshInterval()
    {
        var store = NewStore();
        await using var publisher = new BrokerStatusPublisher(store, Measure, Interval, refreshIntervals: 3, _time, NullLogger.Instance);

        await publisher.RunOnceAsync(CancellationToken.None);
        Assert.Equal(1, publisher.Writes);
        var first = Assert.Single(await store.ListAsync(CancellationToken.None));
        Assert.Equal(Measure(_time.GetUtcNow(), TimeSpan.FromSeconds(3)), first);

        // Unchanged: the next two ticks write nothing; the third is the liveness mark.
        for (var tick = 0; tick < 2; tick++)
        {
            _time.Advance(Interval);
            await publisher.RunOnceAsync(CancellationToken.None);
        }
        Assert.Equal(1, publisher.Writes);
        _time.Advance(Interval);
        await publisher.RunOnceAsync(CancellationToken.None);
        Assert.Equal(2, publisher.Writes);
        Assert.Equal(_time.GetUtcNow(), Assert.Single(await store.ListAsync(CancellationToken.None)).UpdatedAt);

        // A change is written at once.
        _lag = new BrokerTierLag(2, 2048, _time.GetUtcNow() - TimeSpan.FromSeconds(5), 1, "http-503-ServerBusy");
        _time.Advance(Interval);
        await publisher.RunOnceAsync(CancellationToken.None);
        Assert.Equal(3, publisher.Writes);
        Assert.Equal(_lag, Assert.Single(await store.ListAsync(CancellationToken.None)).TierLag);
    }

    [Fact]
    public async Task ATableOutageDoesNotThrowAndTheRowIsWrittenOnceTheTableAnswers()
    {
        await using var proxy = TcpProxy.Start(_azurite.Host.TablePort);
        var proxied = _azurite.ConnectionString.Replace($"127.0.0.1:{_azurite.Host.TablePort}/", $"127.0.0.1:{proxy.Port}/", StringComparison.Ordinal);
        Assert.NotEqual(_azurite.ConnectionString, proxied);
        var store = NewStore(proxied);
        await using var publisher = new BrokerStatusPublisher(store, Measure, Interval, refreshIntervals: 100, _time, NullLogger.Instance);

        proxy.Block();
        using (var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            await publisher.RunOnceAsync(bounded.Token);
        Assert.Equal(0, publisher.Writes);

        proxy.Unblock();
        _time.Advance(Interval);
        await publisher.RunOnceAsync(CancellationToken.None);
        Assert.Equal(1, publisher.Writes);
        Assert.Single(await store.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AMissingTableListsNoRows()
    {
        Assert.Empty(await NewStore().ListAsync(CancellationToken.None));
    }
}

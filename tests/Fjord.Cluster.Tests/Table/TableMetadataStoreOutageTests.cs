using Azure;
using Azure.Data.Tables;
using Fjord.Cluster;
using Fjord.Testing;

namespace Fjord.Cluster.Tests;

public sealed class TableMetadataStoreOutageTests
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));

    private CancellationToken Ct => _timeout.Token;

    [Fact]
    public async Task StoreFailsDuringAStorageOutageAndResumesWithAllItsDataAfterwards()
    {
        using var location = new TempDirectory();
        await using var azurite = await AzuriteHost.StartAsync(AzuriteOptions.AtLocation(location.Path));
        var options = new TableClientOptions();
        // Fail fast instead of riding out the outage in the SDK's retry loop.
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        var store = new TableMetadataStore(new TableServiceClient(azurite.ConnectionString, options), "outage");
        await store.InitializeAsync(Ct);
        var topic = new TopicMetadata("before", Guid.NewGuid(), 3, 3, new Dictionary<string, string> { ["retention.ms"] = "1" });
        var broker = new BrokerRegistration(0, Guid.NewGuid(), [new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9092, "PLAINTEXT")], null, DateTimeOffset.UnixEpoch);
        await store.CreateTopicAsync(topic, Ct);
        await store.RegisterBrokerAsync(broker, Ct);
        var clusterId = await store.GetOrCreateClusterIdAsync(Ct);
        var version = await store.GetVersionAsync(Ct);

        await azurite.StopAsync();

        await Assert.ThrowsAnyAsync<RequestFailedException>(() => store.GetVersionAsync(Ct));
        await Assert.ThrowsAnyAsync<RequestFailedException>(() => store.HeartbeatAsync(0, broker.IncarnationId, Ct));

        await azurite.RestartAsync();

        Assert.Equal(version, await store.GetVersionAsync(Ct));
        Assert.Equal(clusterId, await store.GetOrCreateClusterIdAsync(Ct));
        var read = await store.GetTopicAsync("before", Ct);
        Assert.Equal(topic.TopicId, read!.TopicId);
        Assert.Equal("1", read.Configs["retention.ms"]);
        await store.HeartbeatAsync(0, broker.IncarnationId, Ct);
        Assert.Equal(CreateTopicOutcome.Created, await store.CreateTopicAsync(topic with { Name = "after", TopicId = Guid.NewGuid() }, Ct));
        Assert.Equal(version + 1, await store.GetVersionAsync(Ct));
    }
}

using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Broker.Tests.Controller;

/// <summary>
/// A cluster with fewer brokers than offsets.topic.replication.factor: the controller waits a session timeout for more
/// to register, then creates the internal topics with the brokers there are, even when nothing else changes meanwhile.
/// </summary>
public sealed class SmallClusterInternalTopicTests : IAsyncLifetime
{
    private readonly ControllerTestCluster _cluster = new();

    public Task InitializeAsync() => _cluster.RegisterAsync(1, 2);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task AQuietTwoBrokerClusterGetsItsOffsetsTopicOnceTheWarmUpIsOver()
    {
        var controller = await _cluster.StartControllerAsync(1);
        Assert.True(controller.IsActive);
        Assert.Null(await _cluster.Store.GetTopicAsync(TopicNames.ConsumerOffsets, _cluster.Ct));

        // No topic, broker or version change after the start: only the passing of the warm-up may trigger the creation.
        var steps = await _cluster.StepUntilAsync(
            async () => await _cluster.Store.GetTopicAsync(TopicNames.ConsumerOffsets, _cluster.Ct) is not null,
            (int)(ControllerTestCluster.Session / ControllerTestCluster.Tick) + 3, "__consumer_offsets");

        Assert.True(steps >= (int)(ControllerTestCluster.Session / ControllerTestCluster.Tick) - 1, $"created after {steps} ticks, before the warm-up");
        var offsets = await _cluster.Store.GetTopicAsync(TopicNames.ConsumerOffsets, _cluster.Ct);
        Assert.Equal((short)2, offsets!.ReplicationFactor);
        Assert.NotNull(await _cluster.Store.GetTopicAsync(TopicNames.TransactionState, _cluster.Ct));
        Assert.Equal(3, (await _cluster.Store.ListPartitionStatesAsync(_cluster.Ct)).Count(s => s.Topic == TopicNames.ConsumerOffsets));
    }
}

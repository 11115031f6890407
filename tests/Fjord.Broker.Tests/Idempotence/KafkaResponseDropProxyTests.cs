using Fjord.Broker.Tests.Infrastructure;
using Fjord.Broker.Tests.Protocol;
using Fjord.Protocol;
using Fjord.Testing;
using Fjord.Testing.Records;

namespace Fjord.Broker.Tests.Idempotence;

/// <summary>
/// The proxy the idempotence tests rely on does what they assume: a lost response is one the broker
/// did act on, the client sees its connection reset instead of an answer, nothing else is touched.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class KafkaResponseDropProxyTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ADroppedProduceResponseWasWrittenAndItsConnectionIsReset()
    {
        await using var proxy = KafkaResponseDropProxy.Start();
        await using var cluster = await BrokerBehindProxy.StartAsync(proxy, azurite.Host);
        const string topic = "drop-proxy";
        await using (var setup = await RawKafkaClient.ConnectAsync(proxy.BootstrapServers))
            await RawScenario.CreateTopicAsync(setup, topic);

        proxy.DropNextResponses(ApiKey.Produce, 1);
        await using (var client = await RawKafkaClient.ConnectAsync(proxy.BootstrapServers))
        {
            // Armed for Produce only: other requests on the connection are answered.
            await RawScenario.AssertServedAsync(client);

            var batch = new RecordBatchBuilder().Add("k", "lost answer").Build();
            var correlationId = client.NextCorrelationId();
            await client.SendRawAsync(RawKafkaClient.Encode(RawScenario.ProduceRequestFor(topic, 0, batch), 11, correlationId));
            Assert.True(await client.IsClosedByBrokerAsync(ReadTimeout), "the produce was answered although its response was to be dropped");
        }

        Assert.Equal(1, proxy.DroppedResponses);
        await using var next = await RawKafkaClient.ConnectAsync(proxy.BootstrapServers);
        // The broker wrote the batch whose answer was lost; one drop disarms the proxy, so this answer arrives.
        Assert.Equal(1, await IdempotentBatches.LogEndOffsetAsync(next, topic, 0));
        Assert.Equal(1, await RawScenario.AppendAsync(next, topic, 0, new RecordBatchBuilder().Add("k", "answered").Build()));
        Assert.Equal(1, proxy.DroppedResponses);
        Assert.True(proxy.AcceptedConnections >= 3, $"{proxy.AcceptedConnections} connections accepted");
    }

    [Fact]
    public async Task EveryNthResponseOfTheArmedApiIsDropped()
    {
        await using var proxy = KafkaResponseDropProxy.Start();
        await using var cluster = await BrokerBehindProxy.StartAsync(proxy, azurite.Host);
        const string topic = "drop-every";
        await using (var setup = await RawKafkaClient.ConnectAsync(proxy.BootstrapServers))
            await RawScenario.CreateTopicAsync(setup, topic);

        proxy.DropEveryNthResponse(ApiKey.Produce, 3);
        var answered = 0;
        var lost = 0;
        for (var i = 0; i < 9; i++)
        {
            await using var client = await RawKafkaClient.ConnectAsync(proxy.BootstrapServers);
            var batch = new RecordBatchBuilder().Add("k", $"v{i}").Build();
            var correlationId = client.NextCorrelationId();
            await client.SendRawAsync(RawKafkaClient.Encode(RawScenario.ProduceRequestFor(topic, 0, batch), 11, correlationId));
            var frame = await client.ReadFrameAsync(ReadTimeout);
            if (frame is null)
            {
                lost++;
                continue;
            }

            var response = RawKafkaClient.Decode<ProduceResponse>(frame, ApiKey.Produce, 11, correlationId);
            Assert.Equal(0, Assert.Single(Assert.Single(response.Responses).PartitionResponses).ErrorCode);
            answered++;
        }

        Assert.Equal(3, lost);
        Assert.Equal(6, answered);
        Assert.Equal(3, proxy.DroppedResponses);
        proxy.Disarm();
        await using var last = await RawKafkaClient.ConnectAsync(proxy.BootstrapServers);
        // Lost answers, not lost writes: all nine are in the log.
        Assert.Equal(9, await IdempotentBatches.LogEndOffsetAsync(last, topic, 0));
    }
}

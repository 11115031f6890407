using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Observability;
using Fjord.Broker.Observability.Derived;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;
using Xunit.Abstractions;

namespace Fjord.Broker.Tests.Observability;

/// <summary>
/// A tiered topic with small segments whose Blob storage is cut off (a <see cref="TcpProxy"/> in front of it, the
/// manifest's Table storage reachable): the upload lag gauges show every closed segment waiting and failed copies
/// are counted; once Blob is back the backlog uploads, the gauges fall to 0, and the copy counters add up to
/// exactly the lag that was waiting.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class TierLagMetricsTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const string Topic = "tier-lag";
    private const int SegmentBytes = 16 * 1024;
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task UploadLagShowsClosedSegmentsWaitingWhileBlobIsDownAndFallsToZeroOnceTheyAreCopied()
    {
        await using var blobProxy = TcpProxy.Start(azurite.Host.BlobPort);
        var tieringConnection = azurite.ConnectionString.Replace(
            $"127.0.0.1:{azurite.Host.BlobPort.ToString(CultureInfo.InvariantCulture)}/",
            $"127.0.0.1:{blobProxy.Port.ToString(CultureInfo.InvariantCulture)}/", StringComparison.Ordinal);
        Assert.NotEqual(azurite.ConnectionString, tieringConnection);
        await using var cluster = await FjordTestCluster.StartAsync(azurite.Host, new Dictionary<string, string>
        {
            ["remote.log.manager.task.interval.ms"] = "200",
            ["fjord.tiering.connection.string"] = tieringConnection,
            ["fjord.tiering.request.timeout.ms"] = "2000",
        });
        var broker = cluster.InProcess();
        using var meter = new Meter("Fjord.Broker");
        using var recorder = new MetricsRecorder(meter);
        using var metrics = new TierLagMetrics(meter, broker.Tiering, broker.Tenants);

        blobProxy.Block();
        using (var admin = KafkaClients.Admin(cluster.BootstrapServers))
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = Topic, NumPartitions = 1, ReplicationFactor = 1,
                Configs = new()
                {
                    ["remote.storage.enable"] = "true",
                    ["segment.bytes"] = SegmentBytes.ToString(CultureInfo.InvariantCulture),
                    ["retention.ms"] = "-1",
                },
            }]);
        var config = KafkaClients.ProducerConfig(cluster.BootstrapServers);
        // Batches of a quarter segment: a segment rolls only between batches.
        config.BatchSize = SegmentBytes / 4;
        using (var producer = KafkaClients.Producer(config))
        {
            for (var i = 0; i < 200; i++)
                producer.Produce(Topic, new Message<byte[], byte[]> { Key = null!, Value = Encoding.UTF8.GetBytes(new string((char)('a' + i % 26), 1000)) });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }
        var log = broker.Replicas.GetHosted(Topic, 0)!.Log;
        var closed = log.Segments.Count(s => !s.IsActive);
        Assert.True(closed >= 5, $"only {closed} closed segments");

        await Poll.UntilAsync(() => Lag(recorder, TierLagMetrics.LagSegmentsInstrument) == closed && Errors(recorder) > 0, Generous,
            $"all {closed} closed segments to wait for upload and a failed copy to be counted");
        var waitingBytes = Lag(recorder, TierLagMetrics.LagBytesInstrument);
        Assert.True(waitingBytes > closed * (SegmentBytes / 2), $"{closed} segments waiting but only {waitingBytes} bytes");
        Assert.Equal(0, Copied(recorder, TierLagMetrics.CopyBytesInstrument));
        output.WriteLine($"Blob down: {closed} segments, {waitingBytes} bytes waiting; {Errors(recorder)} failed copies counted");

        blobProxy.Unblock();
        await Poll.UntilAsync(() => Lag(recorder, TierLagMetrics.LagSegmentsInstrument) == 0 && Lag(recorder, TierLagMetrics.LagBytesInstrument) == 0, Generous,
            "the backlog to upload and the lag to fall to 0");
        Assert.Equal(closed, Copied(recorder, TierLagMetrics.CopyRequestsInstrument));
        Assert.Equal(waitingBytes, Copied(recorder, TierLagMetrics.CopyBytesInstrument));
        Assert.All(recorder.TagSets(TierLagMetrics.CopyErrorsInstrument), t => Assert.Equal("", t["tenant"]));
        output.WriteLine($"Blob back: {Copied(recorder, TierLagMetrics.CopyRequestsInstrument)} segments, {Copied(recorder, TierLagMetrics.CopyBytesInstrument)} bytes copied");
    }

    /// <summary>The gauge's value for partition 0 of the topic, or -1 while the partition has not been through a tiering round.</summary>
    private static long Lag(MetricsRecorder recorder, string instrument) =>
        recorder.Collect(instrument).SingleOrDefault(s => (string?)s["topic"] == Topic && (int?)s["partition"] == 0)?.Value ?? -1;

    private static long Copied(MetricsRecorder recorder, string instrument) => recorder.Sum(instrument, t => (string?)t["topic"] == Topic);

    private static long Errors(MetricsRecorder recorder) => recorder.Sum(TierLagMetrics.CopyErrorsInstrument, t => (string?)t["topic"] == Topic);
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;
using Xunit.Abstractions;
using ApiKey = Fjord.Protocol.ApiKey;

namespace Fjord.Broker.Tests.Idempotence;

/// <summary>
/// Issue 13, "what must be shown" 1: Confluent.Kafka with its idempotent defaults produces through a
/// proxy that loses Produce responses the broker did write (it reads the response, then resets both
/// sockets), so the client retries batches that are already in the log. Every record must be there
/// exactly once, per partition in the order produced, at the offset its delivery report named.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class IdempotentProducerThroughDroppedResponsesTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Partitions = 3;
    private const int RecordsPerPartition = 1_000;

    /// <summary>About one Produce response in 40 is lost.</summary>
    private const int DropEvery = 40;

    /// <summary>
    /// Fewer lost responses would prove little. With one record per batch there are at least
    /// 3,000 / 3 Produce requests (a request carries at most one batch per partition), so at least about
    /// 25 drops; librdkafka in fact sent about one request per record (the control run dropped 76).
    /// </summary>
    private const int MinimumDrops = 10;

    private static readonly TimeSpan ProduceTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task EveryRecordIsWrittenOnceAndInOrderWhileProduceResponsesAreLost()
    {
        await using var proxy = KafkaResponseDropProxy.Start();
        await using var cluster = await StartBehindAsync(proxy);
        const string topic = "idempotent-drops";
        await KafkaClients.CreateTopicAsync(cluster.BootstrapServers, topic, Partitions);

        var reports = await ProduceThroughDropsAsync(proxy, topic, enableIdempotence: true);
        Assert.True(proxy.DroppedResponses >= MinimumDrops,
            $"only {proxy.DroppedResponses} responses were dropped: too few to show anything (at least {MinimumDrops} wanted)");

        var failed = reports.Where(r => r.Error.IsError).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} deliveries failed, e.g. {failed.FirstOrDefault()?.Error}");
        Assert.Equal(Partitions * RecordsPerPartition, reports.Count);
        // Deduplication answers a retry with the offsets first written: every record's report names its place in the log.
        var misplaced = reports.Where(r => r.Offset.Value != Sequence(r)).Take(5).ToList();
        Assert.True(misplaced.Count == 0,
            "delivery reports at the wrong offset: " + string.Join("; ", misplaced.Select(r => $"{Value(r)} at {r.TopicPartitionOffset}")));

        for (var p = 0; p < Partitions; p++)
        {
            var highWatermark = cluster.HighWatermark(topic, p);
            Assert.True(highWatermark == RecordsPerPartition,
                $"{topic}-{p} holds {highWatermark} records for {RecordsPerPartition} produced: {highWatermark - RecordsPerPartition} duplicated");
        }

        var consumed = KafkaClients.ReadAll(proxy.BootstrapServers, topic, Partitions, _ => RecordsPerPartition, TimeSpan.FromSeconds(60));
        for (var p = 0; p < Partitions; p++)
        {
            var values = consumed[p].Select(r => Encoding.UTF8.GetString(r.Message.Value)).ToList();
            var expected = Enumerable.Range(0, RecordsPerPartition).Select(i => ValueOf(p, i)).ToList();
            Assert.True(expected.SequenceEqual(values), $"{topic}-{p}: {Difference(expected, values)}");
            Assert.Equal(Enumerable.Range(0, RecordsPerPartition).Select(i => (long)i), consumed[p].Select(r => r.Offset.Value));
        }
    }

    /// <summary>
    /// The control: the same lost responses with idempotence off. The client retries batches already written,
    /// so duplicates (and with 5 in flight, reordering) may appear; whether they do depends on timing, so this
    /// asserts only at-least-once and writes what it saw to the test output. A first run dropped 76 responses
    /// and left 68, 54 and 61 duplicates in the three partitions of 1,000 records each: the proxy really
    /// provokes the retries that idempotence must absorb.
    /// </summary>
    [Fact]
    public async Task WithoutIdempotenceLostResponsesCanDuplicateRecords()
    {
        await using var proxy = KafkaResponseDropProxy.Start();
        await using var cluster = await StartBehindAsync(proxy);
        const string topic = "non-idempotent-drops";
        await KafkaClients.CreateTopicAsync(cluster.BootstrapServers, topic, Partitions);

        var reports = await ProduceThroughDropsAsync(proxy, topic, enableIdempotence: false);
        Assert.DoesNotContain(reports, r => r.Error.IsError);

        var highWatermarks = Enumerable.Range(0, Partitions).Select(p => cluster.HighWatermark(topic, p)).ToArray();
        var consumed = KafkaClients.ReadAll(proxy.BootstrapServers, topic, Partitions, p => (int)highWatermarks[p], TimeSpan.FromSeconds(60));
        for (var p = 0; p < Partitions; p++)
        {
            var values = consumed[p].Select(r => Encoding.UTF8.GetString(r.Message.Value)).ToList();
            var expected = Enumerable.Range(0, RecordsPerPartition).Select(i => ValueOf(p, i)).ToList();
            Assert.Empty(expected.Except(values));
            output.WriteLine($"{topic}-{p}: {values.Count} records for {RecordsPerPartition} produced, {values.Count - values.Distinct().Count()} duplicates, " +
                $"in order: {expected.SequenceEqual(values.Distinct())}");
        }
    }

    /// <summary>
    /// Produces every record while the proxy loses every <see cref="DropEvery"/>th Produce response.
    /// Both runs use what idempotence means in librdkafka, spelled out (acks=all, at most 5 in flight,
    /// retries at their default), so only the flag differs.
    /// </summary>
    private async Task<List<DeliveryReport<Null, string>>> ProduceThroughDropsAsync(KafkaResponseDropProxy proxy, string topic, bool enableIdempotence)
    {
        var config = ProducerConfig(proxy.BootstrapServers);
        config.EnableIdempotence = enableIdempotence;
        config.Acks = Acks.All;
        config.MaxInFlight = 5;

        proxy.DropEveryNthResponse(ApiKey.Produce, DropEvery);
        var reports = await ProduceAllAsync(config, topic);
        proxy.Disarm();
        output.WriteLine($"{proxy.DroppedResponses} Produce responses dropped, {proxy.AcceptedConnections} connections accepted");
        return reports;
    }

    private Task<FjordTestCluster> StartBehindAsync(KafkaResponseDropProxy proxy) => BrokerBehindProxy.StartAsync(proxy, azurite.Host);

    private static ProducerConfig ProducerConfig(string bootstrap) => new()
    {
        BootstrapServers = bootstrap,
        // One record per batch and no lingering: many small Produce requests, so many responses to lose.
        BatchNumMessages = 1,
        LingerMs = 0,
        // A lost response costs a connection; reconnect at once rather than after librdkafka's growing backoff.
        ReconnectBackoffMs = 10,
        ReconnectBackoffMaxMs = 100,
        MessageTimeoutMs = (int)ProduceTimeout.TotalMilliseconds,
    };

    /// <summary>Produces "p{partition}-{i}" to each partition in turn; returns every delivery report, failing fast on a fatal producer error.</summary>
    private async Task<List<DeliveryReport<Null, string>>> ProduceAllAsync(ProducerConfig config, string topic)
    {
        var reports = new ConcurrentQueue<DeliveryReport<Null, string>>();
        Error? fatal = null;
        using var producer = new ProducerBuilder<Null, string>(config)
            .SetErrorHandler((_, e) =>
            {
                if (e.IsFatal)
                    fatal = e;
            })
            .SetLogHandler((_, _) => { })
            .Build();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < RecordsPerPartition; i++)
        {
            for (var p = 0; p < Partitions; p++)
            {
                while (true)
                {
                    try
                    {
                        producer.Produce(new TopicPartition(topic, p), new Message<Null, string> { Value = ValueOf(p, i) }, reports.Enqueue);
                        break;
                    }
                    catch (ProduceException<Null, string> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(100));
                    }
                }
            }
        }

        // Flush serves the delivery callbacks; short slices so a fatal error (no idempotence on the broker) ends the wait at once.
        await Poll.UntilAsync(() =>
        {
            producer.Flush(TimeSpan.FromMilliseconds(100));
            return fatal is not null || reports.Count == Partitions * RecordsPerPartition;
        }, ProduceTimeout + TimeSpan.FromSeconds(30), "every delivery report");
        Assert.True(fatal is null, $"the producer failed fatally: {fatal}");
        output.WriteLine($"{reports.Count} records delivered in {clock.Elapsed.TotalSeconds:0.0} s");
        return [.. reports];
    }

    private static string ValueOf(int partition, int i) => $"p{partition.ToString(CultureInfo.InvariantCulture)}-{i.ToString(CultureInfo.InvariantCulture)}";

    private static string Value(DeliveryReport<Null, string> report) => report.Message.Value;

    /// <summary>i of the report's "p{partition}-{i}".</summary>
    private static long Sequence(DeliveryReport<Null, string> report) =>
        long.Parse(Value(report).AsSpan(Value(report).IndexOf('-', StringComparison.Ordinal) + 1), CultureInfo.InvariantCulture);

    /// <summary>Where two lists of values first part ways, and the duplicates, for a failure message.</summary>
    private static string Difference(List<string> expected, List<string> actual)
    {
        var first = Enumerable.Range(0, Math.Min(expected.Count, actual.Count)).FirstOrDefault(i => expected[i] != actual[i], -1);
        var duplicates = actual.GroupBy(v => v).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}").Take(5);
        var missing = expected.Except(actual).Take(5);
        return $"{actual.Count} records for {expected.Count}; first difference at offset {first}; duplicates: [{string.Join(", ", duplicates)}]; missing: [{string.Join(", ", missing)}]";
    }
}

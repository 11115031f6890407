using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Testing;
using Xunit.Abstractions;
using KafkaError = Fjord.Protocol.ErrorCode;

namespace Fjord.Broker.Tests.Tiering;

/// <summary>
/// Issue 5's outage: the broker's Blob traffic goes through a <see cref="TcpProxy"/> that is cut for a
/// real minute while a producer keeps writing. Table storage (metadata and the remote-log manifest)
/// stays reachable, so only the Blob side of tiering is down.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class BlobOutageTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const string Topic = "blob-outage";
    private const int SegmentBytes = 1024 * 1024;
    private const int LocalRetentionBytes = 2 * 1024 * 1024;
    private const int ValueBytes = 1000;
    private const int MessagesBeforeOutage = 5_000;

    // About 400 KB/s: the minute leaves ~20 segments waiting for Blob, a backlog that uploads in seconds.
    private const int MessagesPerTick = 40;
    private static readonly TimeSpan ProduceTick = TimeSpan.FromMilliseconds(100);

    // The length of the fault the issue asks for, not a wait for a state.
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ABlobOutageOfAMinuteLosesNothingDeletesNothingUnuploadedAndTheBacklogUploadsWhenBlobReturns()
    {
        await using var blobProxy = TcpProxy.Start(azurite.Host.BlobPort);
        var tieringConnection = azurite.ConnectionString.Replace(
            $"127.0.0.1:{azurite.Host.BlobPort.ToString(CultureInfo.InvariantCulture)}/",
            $"127.0.0.1:{blobProxy.Port.ToString(CultureInfo.InvariantCulture)}/", StringComparison.Ordinal);
        Assert.NotEqual(azurite.ConnectionString, tieringConnection);
        await using var host = await FjordTestCluster.StartAsync(azurite.Host, new Dictionary<string, string>
        {
            ["remote.log.manager.task.interval.ms"] = "200",
            ["fjord.tiering.connection.string"] = tieringConnection,
            ["fjord.tiering.request.timeout.ms"] = "2000",
        });
        using (var admin = KafkaClients.Admin(host.BootstrapServers))
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = Topic, NumPartitions = 1, ReplicationFactor = 1,
                Configs = new()
                {
                    ["remote.storage.enable"] = "true",
                    ["segment.bytes"] = SegmentBytes.ToString(CultureInfo.InvariantCulture),
                    ["local.retention.bytes"] = LocalRetentionBytes.ToString(CultureInfo.InvariantCulture),
                    ["retention.ms"] = "-1",
                },
            }]);
        var tiering = host.InProcess().Tiering!;
        var key = new TopicPartitionKey(Topic, 0);
        var log = host.InProcess().Replicas.GetHosted(Topic, 0)!.Log;

        // Read the local start first: the tiered offset only grows, so a later read of it can only
        // make the check looser by uploads that happened in between, never flag a false failure.
        void AssertNothingUnuploadedDeleted(string when)
        {
            var localStart = log.LocalLogStartOffset;
            var tiered = tiering.HighestTieredOffset(key.Topic, key.Partition);
            Assert.True(localStart <= tiered + 1, $"{when}: local log starts at {localStart} but Blob holds only up to {tiered}");
        }

        var config = KafkaClients.ProducerConfig(host.BootstrapServers, Acks.All);
        // One request in flight: a retried batch can then neither reorder nor pass another.
        config.MaxInFlight = 1;
        using var producer = KafkaClients.Producer(config);
        var acks = new AckLog();

        for (var i = 0; i < MessagesBeforeOutage; i++)
            ProduceOne(producer, i, acks);
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
        acks.AssertNoFailures();
        await Poll.UntilAsync(() => log.LocalLogStartOffset > 0 && tiering.HighestTieredOffset(key.Topic, key.Partition) >= log.Segments[^1].BaseOffset - 1,
            TimeSpan.FromSeconds(60), "every closed segment to move to Blob storage and some to leave the local disk");
        AssertNothingUnuploadedDeleted("before the outage");

        var localStartAtBlock = log.LocalLogStartOffset;
        var tieredAtBlock = tiering.HighestTieredOffset(key.Topic, key.Partition);
        var lagAtBlock = tiering.UploadLag(key.Topic, key.Partition);
        blobProxy.Block();

        var next = MessagesBeforeOutage;
        using var stopProducing = new CancellationTokenSource();
        var producing = Task.Run(async () =>
        {
            while (!stopProducing.IsCancellationRequested)
            {
                for (var j = 0; j < MessagesPerTick; j++)
                    ProduceOne(producer, next++, acks);
                producer.Poll(TimeSpan.Zero);
                try
                {
                    await Task.Delay(ProduceTick, stopProducing.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });

        await using var raw = await RawKafkaClient.ConnectAsync(host.BootstrapServers);
        var outage = Stopwatch.StartNew();
        var ackedAtLastCheck = acks.Acked;
        var lastAckProgress = outage.Elapsed;
        var lagGrew = false;
        var maxLag = lagAtBlock;
        var coldErrors = 0;
        var coldEmpty = 0;
        var hotReads = 0;
        while (outage.Elapsed < Outage)
        {
            AssertNothingUnuploadedDeleted($"{outage.Elapsed.TotalSeconds:0.0} s into the outage");
            // Nothing uploads while Blob is down, so local retention may only finish deleting what was already uploaded.
            Assert.True(log.LocalLogStartOffset <= tieredAtBlock + 1,
                $"local log start moved from {localStartAtBlock} to {log.LocalLogStartOffset}, past {tieredAtBlock} (the last uploaded offset), while Blob was down");
            acks.AssertNoFailures();

            // acks=all keeps being answered: no gap of more than 5 s without a new ack.
            var acked = acks.Acked;
            if (acked > ackedAtLastCheck)
            {
                ackedAtLastCheck = acked;
                lastAckProgress = outage.Elapsed;
            }

            Assert.True(outage.Elapsed - lastAckProgress < TimeSpan.FromSeconds(5),
                $"no produce ack for {(outage.Elapsed - lastAckProgress).TotalSeconds:0.0} s while Blob was down");

            // A hot read (the last committed message, local for sure: local retention keeps megabytes)
            // answers data; a cold one (offset 0, only in Blob) a retriable error or nothing.
            var hot = await FetchAsync(raw, log.HighWatermark - 1);
            Assert.Equal((short)KafkaError.None, hot.ErrorCode);
            Assert.False(hot.Records is null || hot.Records.Value.IsEmpty, "a fetch of the local tail returned no records while Blob was down");
            hotReads++;
            var cold = await FetchAsync(raw, 0);
            if (cold.ErrorCode == (short)KafkaError.KafkaStorageError) coldErrors++;
            else if (cold.ErrorCode == (short)KafkaError.None && (cold.Records is null || cold.Records.Value.IsEmpty)) coldEmpty++;
            else Assert.Fail($"a fetch of offset 0 (only in Blob) while Blob was down answered error {cold.ErrorCode} with {cold.Records?.Length ?? 0} bytes");

            var lag = tiering.UploadLag(key.Topic, key.Partition);
            if (lag.Segments > lagAtBlock.Segments + 3) lagGrew = true;
            if (lag.Bytes > maxLag.Bytes) maxLag = lag;
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        var lagAtEnd = tiering.UploadLag(key.Topic, key.Partition);
        Assert.Equal(tieredAtBlock, tiering.HighestTieredOffset(key.Topic, key.Partition));
        Assert.True(lagGrew, $"the upload lag did not grow during the outage: {lagAtBlock} then {lagAtEnd}");
        Assert.True(coldErrors > 0, $"no cold fetch answered KAFKA_STORAGE_ERROR ({coldEmpty} answered nothing)");

        blobProxy.Unblock();
        var catchUp = Stopwatch.StartNew();
        await stopProducing.CancelAsync();
        await producing;
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
        acks.AssertNoFailures();
        var total = next;
        Assert.Equal(total, acks.Acked);
        // ~24 000 at the paced rate; a loaded machine may manage fewer, but a few segments' worth is the point.
        Assert.True(total - MessagesBeforeOutage > 5_000, $"only {total - MessagesBeforeOutage} messages produced during the outage");

        // The backlog uploads by itself: every closed segment reaches Blob and local retention trims the disk again.
        await Poll.UntilAsync(() =>
        {
            AssertNothingUnuploadedDeleted("while catching up");
            var segments = log.Segments;
            return tiering.HighestTieredOffset(key.Topic, key.Partition) >= segments[^1].BaseOffset - 1
                && tiering.UploadLag(key.Topic, key.Partition) == (0, 0)
                && log.Size <= LocalRetentionBytes + 2 * SegmentBytes;
        }, TimeSpan.FromSeconds(180), "the backlog to upload and local retention to trim the disk");
        output.WriteLine($"outage {Outage.TotalSeconds:0} s: {acks.Acked - MessagesBeforeOutage} messages acked during it ({total} in all); " +
            $"upload lag {lagAtBlock} at the block, up to {maxLag} seen, {lagAtEnd} at the end; {hotReads} hot reads served; " +
            $"cold fetches: {coldErrors} KAFKA_STORAGE_ERROR, {coldEmpty} empty; backlog uploaded {catchUp.Elapsed.TotalSeconds:0.0} s after Blob returned; " +
            $"local log now {log.LocalLogStartOffset}..{log.LogEndOffset} ({log.Size} bytes), tiered up to {tiering.HighestTieredOffset(key.Topic, key.Partition)}");
        Assert.True(log.LocalLogStartOffset > MessagesBeforeOutage, $"local log still starts at {log.LocalLogStartOffset}");
        Assert.Equal(0, log.LogStartOffset);

        var read = KafkaClients.ReadAll(host.BootstrapServers, Topic, 1, _ => total, TimeSpan.FromSeconds(120))[0];
        Assert.Equal(total, read.Count);
        for (var i = 0; i < total; i++)
        {
            Assert.Equal(i, read[i].Offset.Value);
            Assert.Equal(Encoding.UTF8.GetBytes(ValueOf(i)), read[i].Message.Value);
        }
    }

    private static void ProduceOne(IProducer<byte[], byte[]> producer, int index, AckLog acks)
    {
        var message = new Message<byte[], byte[]>
        {
            Key = Encoding.UTF8.GetBytes(index.ToString(CultureInfo.InvariantCulture)),
            Value = Encoding.UTF8.GetBytes(ValueOf(index)),
        };
        while (true)
        {
            try
            {
                producer.Produce(Topic, message, acks.OnDelivery);
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == Confluent.Kafka.ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(50));
            }
        }
    }

    private static string ValueOf(int index) =>
        $"m{index:D8}-" + new string((char)('a' + index % 26), ValueBytes);

    private static async Task<FetchResponse.PartitionData> FetchAsync(RawKafkaClient raw, long offset)
    {
        const short version = 12;
        var request = new FetchRequest { ReplicaId = -1, MaxWaitMs = 0, MinBytes = 1, MaxBytes = 1024 * 1024 };
        var topic = new FetchRequest.FetchTopic { Topic = Topic };
        topic.Partitions.Add(new FetchRequest.FetchPartition { Partition = 0, FetchOffset = offset, PartitionMaxBytes = 64 * 1024, CurrentLeaderEpoch = -1 });
        request.Topics.Add(topic);
        var response = await raw.SendAsync<FetchResponse>(request, version, TimeSpan.FromSeconds(60));
        Assert.Equal(0, response.ErrorCode);
        return Assert.Single(Assert.Single(response.Responses).Partitions);
    }

    /// <summary>Delivery reports, from librdkafka's thread.</summary>
    private sealed class AckLog
    {
        private long _acked;
        private long _failed;
        private string? _firstError;

        public long Acked => Interlocked.Read(ref _acked);

        public void OnDelivery(DeliveryReport<byte[], byte[]> report)
        {
            if (report.Error.IsError)
            {
                Interlocked.Increment(ref _failed);
                Interlocked.CompareExchange(ref _firstError, report.Error.ToString(), null);
            }
            else
            {
                Interlocked.Increment(ref _acked);
            }
        }

        public void AssertNoFailures()
        {
            var failed = Interlocked.Read(ref _failed);
            Assert.True(failed == 0, $"{failed} messages failed, the first with {_firstError}");
        }
    }
}

using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Cluster;
using Fjord.Testing;
using Fjord.Transactions;
using Xunit.Abstractions;

namespace Fjord.Broker.Tests.Transactions;

/// <summary>
/// Issue 13, "what must be shown" 2: a consume-transform-produce loop with SendOffsetsToTransaction
/// processes 100,000 records exactly once while the test kills (kill -9) first the broker that
/// coordinates the loop's transactional id, then the leader of an output partition. Every input record
/// must appear in the output exactly once for a read_committed consumer, whatever the loop had to abort
/// and redo.
/// </summary>
[Collection(BrokerCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class ReadProcessWriteFailoverTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const string Input = "rpw-in";
    private const string Output = "rpw-out";
    private const string Group = "rpw-group";
    private const string TransactionalId = "rpw-processor";
    private const int Partitions = 3;
    private const int Records = 100_000;
    private const int TransactionPartitions = 5;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task EveryRecordIsProcessedExactlyOnceThroughKillsOfTheCoordinatorAndAnOutputLeader()
    {
        await using var cluster = await FjordTestCluster.StartAsync(FjordTestClusterOptions.FaultTolerant(azurite.Host, 3).WithSettings(new Dictionary<string, string>
        {
            ["transaction.state.log.num.partitions"] = TransactionPartitions.ToString(CultureInfo.InvariantCulture),
            ["offsets.topic.num.partitions"] = "5",
        }));
        try
        {
            await cluster.CreateTopicAsync(Input, Partitions, 3);
            await cluster.CreateTopicAsync(Output, Partitions, 3);
            await cluster.WaitForFullIsrAsync(Input, Partitions, Timeout);
            await cluster.WaitForFullIsrAsync(Output, Partitions, Timeout);
            ProduceInput(cluster.BootstrapServers);

            var processed = 0;
            var killedLeader = -1;
            using var loop = new ProcessingLoop(cluster.BootstrapServers, output);
            // The kills run beside the loop, so they land in the middle of its transactions, not between them.
            var kills = Task.Run(async () =>
            {
                await Poll.UntilAsync(() => Volatile.Read(ref processed) >= Records / 4, TimeSpan.FromMinutes(3), "a quarter processed");
                var partition = TransactionCoordinator.PartitionFor(TransactionalId, TransactionPartitions);
                var coordinator = (await cluster.PartitionStateAsync(TopicNames.TransactionState, partition))!.Leader;
                output.WriteLine($"{Volatile.Read(ref processed)} processed: kill -9 broker {coordinator}, the transaction coordinator");
                await cluster.KillAsync(coordinator);
                await Poll.UntilAsync(() => Volatile.Read(ref processed) >= Records * 4 / 10, TimeSpan.FromMinutes(3), "progress past the failover");
                await cluster.RestartAsync(coordinator);
                await cluster.WaitForFullIsrAsync(Output, Partitions, Timeout);
                await Poll.UntilAsync(() => Volatile.Read(ref processed) >= Records * 6 / 10, TimeSpan.FromMinutes(3), "60% processed");
                killedLeader = (await cluster.PartitionStateAsync(Output, 0))!.Leader;
                output.WriteLine($"{Volatile.Read(ref processed)} processed: kill -9 broker {killedLeader}, leader of {Output}-0");
                await cluster.KillAsync(killedLeader);
            });
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(6);
            while (Volatile.Read(ref processed) < Records && DateTime.UtcNow < deadline)
                Interlocked.Add(ref processed, loop.RunOneTransaction());
            await kills;

            output.WriteLine($"{loop.Committed} transactions committed, {loop.Aborted} aborted, {loop.Restarts} producer restarts");
            Assert.True(processed >= Records, $"the loop processed {processed} of {Records} records in time");
            Assert.True(killedLeader >= 0, "the test never killed an output leader");
            Assert.True(Volatile.Read(ref processed) >= Records, "the loop had finished before the second kill");

            var seen = ReadOutput(cluster.BootstrapServers);
            var duplicates = seen.Where(p => p.Value > 1).Take(5).ToList();
            Assert.True(duplicates.Count == 0, $"records processed twice: {string.Join(", ", duplicates.Select(d => $"{d.Key}×{d.Value}"))}");
            Assert.Equal(Records, seen.Count);
        }
        catch
        {
            output.WriteLine(cluster.Logs());
            throw;
        }
    }

    private static void ProduceInput(string bootstrap)
    {
        var config = KafkaClients.ProducerConfig(bootstrap);
        config.EnableIdempotence = true;
        using var producer = KafkaClients.Producer(config);
        for (var i = 0; i < Records; i++)
        {
            var key = i.ToString(CultureInfo.InvariantCulture);
            producer.Produce(new TopicPartition(Input, i % Partitions), new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(key), Value = Encoding.UTF8.GetBytes(key) });
            if (i % 10_000 == 0) producer.Poll(TimeSpan.Zero);
        }
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(120)));
    }

    /// <summary>Output values by count, read at read_committed until the output is quiet.</summary>
    private static Dictionary<string, int> ReadOutput(string bootstrap)
    {
        using var consumer = KafkaClients.Consumer(bootstrap, c => c.IsolationLevel = IsolationLevel.ReadCommitted);
        consumer.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(Output, p, Offset.Beginning)));
        var seen = new Dictionary<string, int>();
        var total = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        var quietSince = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline && (total < Records || DateTime.UtcNow - quietSince < TimeSpan.FromSeconds(2)))
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message is not { } message) continue;
            var value = Encoding.UTF8.GetString(message.Value);
            seen[value] = seen.GetValueOrDefault(value) + 1;
            total++;
            quietSince = DateTime.UtcNow;
        }
        return seen;
    }

    /// <summary>
    /// The loop of a Kafka Streams-like processor: read a batch at read_committed, write it transformed in
    /// a transaction together with the consumer's positions, commit. An abortable error aborts and rewinds
    /// to the committed positions; a fatal one (fenced) starts a new producer and consumer.
    /// </summary>
    private sealed class ProcessingLoop(string bootstrap, ITestOutputHelper output) : IDisposable
    {
        private const int BatchSize = 2_000;
        private IConsumer<byte[], byte[]>? _consumer;
        private IProducer<byte[], byte[]>? _producer;

        public int Committed { get; private set; }

        public int Aborted { get; private set; }

        public int Restarts { get; private set; }

        /// <summary>Runs one transaction; returns how many records it committed (0 when it aborted).</summary>
        public int RunOneTransaction()
        {
            try
            {
                EnsureClients();
                var batch = new List<ConsumeResult<byte[], byte[]>>();
                var until = DateTime.UtcNow + TimeSpan.FromSeconds(2);
                while (batch.Count < BatchSize && DateTime.UtcNow < until)
                {
                    var result = _consumer!.Consume(TimeSpan.FromMilliseconds(100));
                    if (result?.Message is not null) batch.Add(result);
                }
                if (batch.Count == 0) return 0;

                _producer!.BeginTransaction();
                foreach (var record in batch)
                    _producer.Produce(new TopicPartition(Output, record.Partition.Value), new Message<byte[], byte[]> { Key = record.Message.Key, Value = record.Message.Value });
                var positions = batch.GroupBy(r => r.TopicPartition).Select(g => new TopicPartitionOffset(g.Key, g.Max(r => r.Offset.Value) + 1));
                _producer.SendOffsetsToTransaction(positions, _consumer!.ConsumerGroupMetadata, Timeout);
                _producer.CommitTransaction(Timeout);
                Committed++;
                return batch.Count;
            }
            catch (KafkaException e) when (e is KafkaTxnRequiresAbortException || (e.Error.Code != ErrorCode.Local_Fatal && !e.Error.IsFatal && e is not KafkaRetriableException))
            {
                output.WriteLine($"abort after {e.Error}");
                TryAbort();
                return 0;
            }
            catch (KafkaException e)
            {
                output.WriteLine($"new clients after {e.Error}");
                Restart();
                return 0;
            }
        }

        private void TryAbort()
        {
            try
            {
                _producer!.AbortTransaction(Timeout);
                Aborted++;
                Rewind();
            }
            catch (KafkaException e)
            {
                output.WriteLine($"abort failed ({e.Error}): new clients");
                Restart();
            }
        }

        /// <summary>Back to the committed positions: the aborted batch is read again.</summary>
        private void Rewind()
        {
            var assignment = _consumer!.Assignment;
            if (assignment.Count == 0) return;
            foreach (var committed in _consumer.Committed(assignment, Timeout))
                _consumer.Seek(new TopicPartitionOffset(committed.TopicPartition, committed.Offset == Offset.Unset ? Offset.Beginning : committed.Offset));
        }

        private void Restart()
        {
            Restarts++;
            Dispose();
        }

        private void EnsureClients()
        {
            if (_producer is null)
            {
                var config = KafkaClients.ProducerConfig(bootstrap);
                config.TransactionalId = TransactionalId;
                config.EnableIdempotence = true;
                config.TransactionTimeoutMs = 30_000;
                config.MessageTimeoutMs = 30_000;
                _producer = new ProducerBuilder<byte[], byte[]>(config).SetLogHandler((_, _) => { }).Build();
                _producer.InitTransactions(Timeout);
            }

            if (_consumer is null)
            {
                _consumer = KafkaClients.Consumer(bootstrap, c =>
                {
                    c.GroupId = Group;
                    c.IsolationLevel = IsolationLevel.ReadCommitted;
                    c.EnableAutoCommit = false;
                    c.SessionTimeoutMs = 10_000;
                });
                _consumer.Subscribe(Input);
            }
        }

        public void Dispose()
        {
            _consumer?.Close();
            _consumer?.Dispose();
            _consumer = null;
            _producer?.Dispose();
            _producer = null;
        }
    }
}

using System.Text;
using Confluent.Kafka;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Transactions;

/// <summary>
/// Issue 13, "what must be shown" 2 and 3, with librdkafka's transactional producer: commits and aborts
/// across partitions and topics, read_committed consumers that see exactly the committed records, a
/// zombie producer fenced by its successor, and a transaction whose producer died aborted by the
/// coordinator after its timeout, so the last stable offset moves on.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class ConfluentTransactionTests(ConfluentTransactionTests.ThreeBrokers fixture) : IClassFixture<ConfluentTransactionTests.ThreeBrokers>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private FjordTestCluster Cluster => fixture.Cluster;

    private IProducer<byte[], byte[]> TransactionalProducer(string transactionalId, int transactionTimeoutMs = 60_000)
    {
        var config = KafkaClients.ProducerConfig(Cluster.BootstrapServers);
        config.TransactionalId = transactionalId;
        config.EnableIdempotence = true;
        config.TransactionTimeoutMs = transactionTimeoutMs;
        config.MessageTimeoutMs = Math.Min(config.MessageTimeoutMs ?? int.MaxValue, transactionTimeoutMs);
        return new ProducerBuilder<byte[], byte[]>(config).SetLogHandler((_, _) => { }).Build();
    }

    private static Message<byte[], byte[]> Record(string value) => new() { Key = Encoding.UTF8.GetBytes(value), Value = Encoding.UTF8.GetBytes(value) };

    private List<string> ReadValues(string topic, int partitions, IsolationLevel isolation, int expected)
    {
        using var consumer = KafkaClients.Consumer(Cluster.BootstrapServers, c => c.IsolationLevel = isolation);
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var values = new List<string>();
        var deadline = DateTime.UtcNow + Timeout;
        while (values.Count < expected && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message is { } message) values.Add(Encoding.UTF8.GetString(message.Value));
        }

        // A little longer: nothing else may come (an aborted record would).
        var quiet = DateTime.UtcNow + TimeSpan.FromSeconds(1);
        while (DateTime.UtcNow < quiet)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result?.Message is { } message) values.Add(Encoding.UTF8.GetString(message.Value));
        }

        return values;
    }

    [Fact]
    public async Task CommittedAndAbortedTransactionsAcrossPartitionsAndTopicsReachOnlyReadCommittedConsumersAsDecided()
    {
        const string Orders = "txn-orders";
        const string Audit = "txn-audit";
        await Cluster.CreateTopicAsync(Orders, 3, replicationFactor: 3);
        await Cluster.CreateTopicAsync(Audit, 1, replicationFactor: 2);
        await Cluster.WaitForFullIsrAsync(Orders, 3, Timeout);

        using (var producer = TransactionalProducer("txn-commit-abort"))
        {
            producer.InitTransactions(Timeout);
            for (var round = 0; round < 4; round++)
            {
                producer.BeginTransaction();
                for (var i = 0; i < 30; i++)
                    producer.Produce(new TopicPartition(Orders, i % 3), Record($"r{round}-{i}"));
                producer.Produce(new TopicPartition(Audit, 0), Record($"r{round}-audit"));
                // Flushed first: librdkafka drops what it has not sent yet when it aborts, and the aborted
                // records must be in the log for the consumers to skip.
                producer.Flush(Timeout);
                if (round % 2 == 0)
                    producer.CommitTransaction(Timeout);
                else
                    producer.AbortTransaction(Timeout);
            }
        }

        var committed = ReadValues(Orders, 3, IsolationLevel.ReadCommitted, expected: 60);
        Assert.Equal(60, committed.Count);
        Assert.All(committed, v => Assert.True(v.StartsWith("r0-", StringComparison.Ordinal) || v.StartsWith("r2-", StringComparison.Ordinal), $"read_committed saw {v}"));
        Assert.Equal(["r0-audit", "r2-audit"], ReadValues(Audit, 1, IsolationLevel.ReadCommitted, expected: 2));

        // read_uncommitted sees the aborted records too (control records are never handed to the application).
        Assert.Equal(120, ReadValues(Orders, 3, IsolationLevel.ReadUncommitted, expected: 120).Count);
    }

    [Fact]
    public async Task AZombieProducerIsFencedByTheNextOneWithItsTransactionalId()
    {
        const string Topic = "txn-zombie";
        await Cluster.CreateTopicAsync(Topic, 1, replicationFactor: 2);
        using var zombie = TransactionalProducer("txn-zombie-id");
        zombie.InitTransactions(Timeout);
        zombie.BeginTransaction();
        zombie.Produce(new TopicPartition(Topic, 0), Record("zombie"));
        zombie.Flush(Timeout);

        using var successor = TransactionalProducer("txn-zombie-id");
        successor.InitTransactions(Timeout);

        var fenced = Assert.ThrowsAny<KafkaException>(() => zombie.CommitTransaction(Timeout));
        Assert.True(fenced.Error.IsFatal || fenced.Error.Code is ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch, fenced.Error.ToString());

        successor.BeginTransaction();
        successor.Produce(new TopicPartition(Topic, 0), Record("successor"));
        successor.CommitTransaction(Timeout);
        Assert.Equal(["successor"], ReadValues(Topic, 1, IsolationLevel.ReadCommitted, expected: 1));
    }

    [Fact]
    public async Task AnOpenTransactionOfADeadProducerIsAbortedAfterItsTimeoutAndTheStableOffsetMovesOn()
    {
        const string Topic = "txn-timeout";
        await Cluster.CreateTopicAsync(Topic, 1, replicationFactor: 2);
        var abandoned = TransactionalProducer("txn-abandoned", transactionTimeoutMs: 2_000);
        abandoned.InitTransactions(Timeout);
        abandoned.BeginTransaction();
        abandoned.Produce(new TopicPartition(Topic, 0), Record("never-committed"));
        abandoned.Flush(Timeout);
        // The producer "dies": no commit, no abort. (Disposing a librdkafka producer does not abort.)

        using (var other = TransactionalProducer("txn-after"))
        {
            other.InitTransactions(Timeout);
            other.BeginTransaction();
            other.Produce(new TopicPartition(Topic, 0), Record("after"));
            other.CommitTransaction(Timeout);
        }

        // Only the coordinator's abort of the open transaction lets read_committed reach "after".
        Assert.Equal(["after"], ReadValues(Topic, 1, IsolationLevel.ReadCommitted, expected: 1));
        using var consumer = KafkaClients.Consumer(Cluster.BootstrapServers, c => c.IsolationLevel = IsolationLevel.ReadCommitted);
        var watermarks = consumer.QueryWatermarkOffsets(new TopicPartition(Topic, 0), Timeout);
        Assert.Equal(watermarks.High.Value, Cluster.HighWatermark(Topic, 0));
        abandoned.Dispose();
    }

    public sealed class ThreeBrokers(AzuriteFixture azurite) : FjordTestClusterFixture
    {
        protected override FjordTestClusterOptions Options => new()
        {
            Azurite = azurite.Host,
            Brokers = 3,
            Settings = new Dictionary<string, string>
            {
                ["transaction.state.log.num.partitions"] = "5",
                ["offsets.topic.num.partitions"] = "5",
                ["transaction.abort.timed.out.transaction.cleanup.interval.ms"] = "500",
            },
        };
    }
}

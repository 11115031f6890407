using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Transactions;

/// <summary>
/// Issue 13, "what must be shown" 2: a read_committed consumer sees exactly the committed records also
/// once the segments holding them (and their .txnindex files) moved to Blob storage and left the local
/// disk, so the aborted-transaction list of a remote fetch comes from the uploaded indexes.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class TieredReadCommittedTests(AzuriteFixture azurite)
{
    private const string Topic = "txn-tiered";
    private const int Transactions = 60;
    private const int RecordsPerTransaction = 50;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AbortedTransactionsStayHiddenWhenReadFromBlobStorage()
    {
        await using var host = await FjordTestCluster.StartAsync(azurite.Host, new Dictionary<string, string>
        {
            ["remote.log.manager.task.interval.ms"] = "200",
        });
        using (var admin = KafkaClients.Admin(host.BootstrapServers))
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = Topic, NumPartitions = 1, ReplicationFactor = 1,
                Configs = new() { ["remote.storage.enable"] = "true", ["segment.bytes"] = "65536", ["local.retention.bytes"] = "131072", ["retention.ms"] = "-1" },
            }]);

        var config = KafkaClients.ProducerConfig(host.BootstrapServers);
        config.TransactionalId = "txn-tiered-producer";
        config.EnableIdempotence = true;
        var committed = new List<string>();
        using (var producer = new ProducerBuilder<byte[], byte[]>(config).SetLogHandler((_, _) => { }).Build())
        {
            producer.InitTransactions(Timeout);
            for (var t = 0; t < Transactions; t++)
            {
                producer.BeginTransaction();
                for (var i = 0; i < RecordsPerTransaction; i++)
                {
                    var value = $"t{t:D3}-{i:D3}-{new string('x', 200)}";
                    producer.Produce(new TopicPartition(Topic, 0), new Message<byte[], byte[]> { Value = Encoding.UTF8.GetBytes(value) });
                    if (t % 3 != 1) committed.Add(value);
                }

                // Every third transaction aborts, after its records reached the log.
                producer.Flush(Timeout);
                if (t % 3 == 1) producer.AbortTransaction(Timeout);
                else producer.CommitTransaction(Timeout);
            }
        }

        var log = host.InProcess().Replicas.GetHosted(Topic, 0)!.Log;
        await Poll.UntilAsync(() => log.LocalLogStartOffset > log.LogEndOffset / 2, TimeSpan.FromSeconds(120),
            "most of the log to move to Blob storage and leave the local disk");
        Assert.Equal(0, log.LogStartOffset);
        var localStart = log.LocalLogStartOffset;

        using var consumer = KafkaClients.Consumer(host.BootstrapServers, c => c.IsolationLevel = IsolationLevel.ReadCommitted);
        consumer.Assign(new TopicPartitionOffset(Topic, 0, Offset.Beginning));
        var read = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (read.Count < committed.Count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200))?.Message is { } message)
                read.Add(Encoding.UTF8.GetString(message.Value));
        }

        Assert.True(localStart > RecordsPerTransaction * 3, $"only offsets below {localStart} were tiered: too few aborted transactions to read from Blob");
        Assert.Equal(committed.Count, read.Count);
        Assert.Equal(committed, read);
    }
}

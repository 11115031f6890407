using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;
using Xunit.Abstractions;

namespace Fjord.Broker.Tests;

/// <summary>
/// Issue 11, items 3 and 4, with real broker processes: start order does not matter (a broker started
/// before its Table storage waits, saying so, and starts when storage arrives), and a full log dir is
/// logged once, with the dir, the partition and the free space, while producers get KAFKA_STORAGE_ERROR.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class BrokerStartupTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task BrokerStartedBeforeItsStorageWaitsAndStartsWhenStorageArrives()
    {
        await using var storage = await AzuriteHost.StartAsync(AzuriteOptions.InMemoryStore());
        await storage.StopAsync();
        using var data = new TempDirectory("fjord-early");
        await using var broker = BrokerProcess.Launch(Settings(data.Path, storage.ConnectionString));
        try
        {
            await broker.WaitForOutputAsync("Waiting for the metadata store", Timeout);
            Assert.False(broker.HasExited, "the broker gave up instead of waiting for storage");

            await storage.RestartAsync();
            await broker.WaitForReadyAsync(Timeout);
            await KafkaClients.CreateTopicAsync(broker.BootstrapServers, "late", 1);
            using var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(broker.BootstrapServers));
            var result = await producer.ProduceAsync("late", new Message<byte[], byte[]> { Value = [1, 2, 3] });
            Assert.Equal(PersistenceStatus.Persisted, result.Status);
        }
        catch
        {
            output.WriteLine(broker.Output);
            throw;
        }
    }

    [Fact]
    public async Task ASecondBrokerOnTheSameLogDirsExitsBeforeTouchingThem()
    {
        using var data = new TempDirectory("fjord-shared-dir");
        var settings = Settings(data.Path, azurite.ConnectionString);
        await using var first = await BrokerProcess.StartAsync(settings);
        await KafkaClients.CreateTopicAsync(first.BootstrapServers, "owned", 1);
        using (var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(first.BootstrapServers)))
            await producer.ProduceAsync("owned", new Message<byte[], byte[]> { Value = [7] });
        var segment = Path.Combine(data.Path, "owned-0", "00000000000000000000.log");
        var before = File.ReadAllBytes(segment);

        // Same dirs, another port: only the dir lock can stop it.
        await using var second = BrokerProcess.Launch(settings);
        await Poll.UntilAsync(() => second.HasExited, Timeout, "the second broker to exit");
        Assert.Contains($"log dir {data.Path} is in use by another process", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Loaded log", second.Output, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(segment));
        Assert.False(first.HasExited);
    }

    [Fact]
    public async Task FullLogDirIsLoggedOnceWithTheDirThePartitionAndTheFreeSpace()
    {
        using var mountPoint = new TempDirectory("fjord-full");
        // A small tmpfs is a real full disk; mounting needs root, which CI and these machines have.
        if (!await RunAsync("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mountPoint.Path))
        {
            output.WriteLine("cannot mount a tmpfs here (not root?); the logic is covered by LogDirFailuresTests");
            return;
        }
        try
        {
            var settings = Settings(mountPoint.Path, azurite.ConnectionString);
            settings["log.segment.bytes"] = "65536";
            await using var broker = await BrokerProcess.StartAsync(settings);
            try
            {
                await KafkaClients.CreateTopicAsync(broker.BootstrapServers, "filler", 1);
                var config = KafkaClients.ProducerConfig(broker.BootstrapServers, Acks.Leader);
                config.MessageSendMaxRetries = 0;
                using var producer = KafkaClients.Producer(config);
                var value = new byte[16 * 1024];
                Random.Shared.NextBytes(value);
                ProduceException<byte[], byte[]>? refused = null;
                for (var i = 0; i < 1000 && refused is null; i++)
                {
                    try
                    {
                        await producer.ProduceAsync(new TopicPartition("filler", 0), new Message<byte[], byte[]> { Value = value });
                    }
                    catch (ProduceException<byte[], byte[]> e)
                    {
                        refused = e;
                    }
                }
                Assert.NotNull(refused);
                Assert.Equal(ErrorCode.KafkaStorageError, refused.Error.Code);

                // More refused writes in the same episode add no line.
                for (var i = 0; i < 3; i++)
                    await Assert.ThrowsAsync<ProduceException<byte[], byte[]>>(() => producer.ProduceAsync(new TopicPartition("filler", 0), new Message<byte[], byte[]> { Value = value }));
                await broker.WaitForOutputAsync("is full", Timeout);
                var lines = broker.Output.Split('\n').Where(l => l.Contains("is full", StringComparison.Ordinal)).ToList();
                var line = Assert.Single(lines);
                Assert.Contains(mountPoint.Path, line, StringComparison.Ordinal);
                Assert.Contains("filler-0", line, StringComparison.Ordinal);
                Assert.Contains("bytes free", line, StringComparison.Ordinal);
                await broker.StopAsync();
            }
            catch
            {
                output.WriteLine(broker.Output);
                throw;
            }
        }
        finally
        {
            await RunAsync("umount", "-l", mountPoint.Path);
        }
    }

    private static Dictionary<string, string> Settings(string logDir, string connectionString) => new()
    {
        ["node.id"] = "0",
        ["listeners"] = "PLAINTEXT://127.0.0.1:0",
        ["log.dirs"] = logDir,
        ["fjord.metadata.connection.string"] = connectionString,
        ["fjord.metadata.table"] = FjordTestCluster.NewTableName(),
        ["fjord.offsets.table"] = FjordTestCluster.NewTableName(),
        ["fjord.metadata.poll.interval.ms"] = "200",
        ["offsets.topic.replication.factor"] = "1",
        ["default.replication.factor"] = "1",
        ["fjord.log.level"] = "Information",
    };

    private static async Task<bool> RunAsync(string command, params string[] arguments)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(info)!;
            await process.WaitForExitAsync();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}

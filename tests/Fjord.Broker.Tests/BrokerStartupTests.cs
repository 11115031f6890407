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
        await using var cluster = await FjordTestCluster.StartAsync(Options(storage) with { StartBrokers = false });
        var broker = cluster.Launch(0);
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
        await using var cluster = await FjordTestCluster.StartAsync(Options(azurite.Host) with { Brokers = 2, StartBrokers = false });
        await cluster.StartAsync(0);
        var first = cluster.ChildProcess(0);
        var data = first.LogDir;
        await KafkaClients.CreateTopicAsync(first.BootstrapServers, "owned", 1);
        using (var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(first.BootstrapServers)))
            await producer.ProduceAsync("owned", new Message<byte[], byte[]> { Value = [7] });
        var segment = Path.Combine(data, "owned-0", "00000000000000000000.log");
        var before = File.ReadAllBytes(segment);

        // Same node id and dirs, another port: only the dir lock can stop it.
        var second = cluster.Launch(1, new Dictionary<string, string> { ["node.id"] = "0", ["log.dirs"] = data });
        // WaitForExitAsync, not HasExited: the exit can be seen before the last lines are read from its pipes.
        Assert.True(await second.WaitForExitAsync(Timeout), "the second broker did not exit");
        Assert.Contains($"log dir {data} is in use by another process", second.History, StringComparison.Ordinal);
        Assert.DoesNotContain("Loaded log", second.History, StringComparison.Ordinal);
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
            await using var cluster = await FjordTestCluster.StartAsync(Options(azurite.Host).WithSettings(new Dictionary<string, string>
            {
                ["log.dirs"] = mountPoint.Path,
                ["log.segment.bytes"] = "65536",
            }));
            var broker = cluster.ChildProcess(0);
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
                await cluster.StopAsync(0);
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

    private static FjordTestClusterOptions Options(AzuriteHost storage) => new()
    {
        Hosting = BrokerHosting.ChildProcess,
        Azurite = storage,
        Settings = new Dictionary<string, string>
        {
            // Also for the two-broker cluster whose second broker only tries the first one's dirs.
            ["offsets.topic.replication.factor"] = "1",
            ["default.replication.factor"] = "1",
            ["fjord.log.level"] = "Information",
        },
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

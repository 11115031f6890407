using System.Net.Sockets;
using System.Text;
using Confluent.Kafka;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests.LocalRun;

/// <summary>
/// Issue 11, item 5: Ctrl-C on <c>./fjord.sh start</c> stops the brokers first, each with a
/// completed controlled shutdown while storage is still up, then Azurite, and leaves no process;
/// a broker that dies is reported and the others keep serving.
/// </summary>
[Collection(LocalRunCollection.Name)]
public sealed class CtrlCTests : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    // The script gives the brokers 60 s before SIGKILL and Azurite 15 s; a clean stop takes a few.
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(90);

    private readonly TempDirectory _home = new("fjord-home");
    private readonly int[] _ports = FreePort.Next(3);
    private readonly int _brokerPortBase = FjordScript.FreePortRange(3);
    private FjordScript? _script;

    private int BrokerPort(int nodeId) => _brokerPortBase + nodeId;

    private string Bootstrap => string.Join(',', Enumerable.Range(0, 3).Select(i => $"127.0.0.1:{BrokerPort(i)}"));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_script is not null) await _script.DisposeAsync();
        _home.Dispose();
    }

    private async Task<FjordScript> StartClusterAsync()
    {
        _script = await FjordScript.StartAsync(_home.Path, "start", new Dictionary<string, string>
        {
            ["FJORD_BROKERS"] = "3",
            ["FJORD_BROKER_PORT_BASE"] = BrokerPort(0).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FJORD_SASL_SSL_PORT_BASE"] = FjordScript.FreePortRange(3).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FJORD_MTLS_PORT_BASE"] = FjordScript.FreePortRange(3).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FJORD_BLOB_PORT"] = _ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FJORD_QUEUE_PORT"] = _ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FJORD_TABLE_PORT"] = _ports[2].ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await _script.WaitForOutputAsync("Fjord is running", StartTimeout);
        return _script;
    }

    [Fact]
    public async Task CtrlCStopsEveryBrokerWithACompletedControlledShutdownThenAzuriteAndLeavesNoProcess()
    {
        var script = await StartClusterAsync();
        await ProduceAndConsumeAsync("local-run");

        script.SignalGroup(FjordScript.SigInt);

        await script.AssertNothingLeftAsync(StopTimeout);
        for (var nodeId = 0; nodeId < 3; nodeId++)
            AssertStoppedCleanly(script, nodeId);
        AssertStorageStoppedAfterTheBrokers(script);
    }

    [Fact]
    public async Task AKilledBrokerIsReportedWhileTheOthersKeepServingUntilCtrlC()
    {
        var script = await StartClusterAsync();
        await ProduceAndConsumeAsync("before-the-kill");

        Assert.Equal(0, FjordScript.KillProcess(script.BrokerPid(1), FjordScript.SigKill));

        await script.WaitForOutputAsync("broker 1 exited (code 137)", TimeSpan.FromSeconds(30));
        Assert.False(script.HasExited, $"fjord.sh ended after one broker died:\n{script.Output}");
        foreach (var survivor in new[] { 0, 2 })
        {
            Assert.True(script.LiveProcesses().Any(p => p.CommandLine.Contains($"node.id={survivor} ", StringComparison.Ordinal)),
                $"broker {survivor} is gone after broker 1 was killed:\n{FjordScript.Describe(script.LiveProcesses())}\n{script.Output}");
            Assert.True(await AcceptsConnectionsAsync(BrokerPort(survivor)), $"broker {survivor} no longer listens on {BrokerPort(survivor)}");
        }
        Assert.True(script.LiveProcesses().Any(p => p.CommandLine.Contains("azurite", StringComparison.Ordinal)), "Azurite is gone after a broker was killed");

        script.SignalGroup(FjordScript.SigInt);

        await script.AssertNothingLeftAsync(StopTimeout);
        AssertStoppedCleanly(script, 0);
        AssertStoppedCleanly(script, 2);
        AssertStorageStoppedAfterTheBrokers(script);
    }

    /// <summary>acks=all through the three-replica default, so every broker holds leaderships or ISR places to move at the stop.</summary>
    private async Task ProduceAndConsumeAsync(string topic)
    {
        using (var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(Bootstrap)))
        {
            for (var i = 0; i < 5; i++)
                await producer.ProduceAsync(topic, new Message<byte[], byte[]> { Key = [], Value = Encoding.UTF8.GetBytes($"record-{i}") });
        }
        var read = KafkaClients.ReadAll(Bootstrap, topic, 1, _ => 5, TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"record-{i}"), read[0].Select(r => Encoding.UTF8.GetString(r.Message.Value)));
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static void AssertStoppedCleanly(FjordScript script, int nodeId)
    {
        var log = script.ReadLog($"broker-{nodeId}.log");
        Assert.True(log.Contains($"Controlled shutdown of broker {nodeId} completed", StringComparison.Ordinal),
            $"broker {nodeId} did not complete a controlled shutdown; its log ends:\n{Tail(log)}\nfjord.sh printed:\n{script.Output}");
        Assert.True(log.Contains($"Fjord broker {nodeId} stopped cleanly", StringComparison.Ordinal),
            $"broker {nodeId} did not stop cleanly; its log ends:\n{Tail(log)}\nfjord.sh printed:\n{script.Output}");
    }

    // A controlled shutdown needs the metadata store: Azurite must outlive the brokers.
    private static void AssertStorageStoppedAfterTheBrokers(FjordScript script)
    {
        var output = script.Output;
        var brokers = output.IndexOf("stopping 2 broker", StringComparison.Ordinal) is var two and >= 0 ? two : output.IndexOf("stopping 3 broker", StringComparison.Ordinal);
        var azurite = output.IndexOf("stopping Azurite", StringComparison.Ordinal);
        Assert.True(brokers >= 0 && azurite > brokers, $"expected the brokers to be stopped before Azurite:\n{output}");
        Assert.DoesNotContain("did not stop within", output, StringComparison.Ordinal);
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(15));
}

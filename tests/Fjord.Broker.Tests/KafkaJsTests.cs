using System.Diagnostics;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests;

/// <summary>
/// KafkaJS, a client of its own (not librdkafka), with its idempotent producer (InitProducerId, sequence
/// numbers per partition, a consumer group) and its transactions (commit, abort, sendOffsets, read_committed),
/// run by node from tests/clients/kafkajs against the broker.
/// KafkaJS is pinned in package.json; ./fjord.sh installs it beside Azurite.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class KafkaJsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task KafkaJsIdempotentProducerWritesEveryRecordOnce()
    {
        await using var broker = await FjordTestCluster.StartAsync(azurite.Host);
        var root = RepositoryRoot.Find();
        var script = Path.Combine(root, "tests", "clients", "kafkajs", "idempotent-producer.js");
        Assert.True(File.Exists(Path.Combine(root, "node_modules", "kafkajs", "package.json")), "KafkaJS is not installed: run ./fjord.sh test (it runs npm install)");

        var (exitCode, output) = await NodeAsync(root, script, broker.BootstrapServers, "kafkajs-idempotent", "3000");

        Assert.True(exitCode == 0, $"node exited {exitCode}: {output}");
        Assert.Contains("produced 3000, consumed 3000, distinct 3000", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KafkaJsTransactionsCommitAbortAndSendOffsetsAsKafkaDoes()
    {
        await using var broker = await FjordTestCluster.StartAsync(azurite.Host);
        var root = RepositoryRoot.Find();
        var script = Path.Combine(root, "tests", "clients", "kafkajs", "transactional-producer.js");

        var (exitCode, output) = await NodeAsync(root, script, broker.BootstrapServers, "kafkajs-txn", "6");

        Assert.True(exitCode == 0, $"node exited {exitCode}: {output}");
        Assert.Contains("committed 90, read_committed saw 90, aborted seen 0", output, StringComparison.Ordinal);
        Assert.Contains("offsets before commit visible: false, after commit at the end: true, outputs 90", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> NodeAsync(string workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo("node") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        info.Environment["NODE_PATH"] = Path.Combine(workingDirectory, "node_modules");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node ran past 120 s: {await stdout}{await stderr}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}

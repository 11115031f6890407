using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests;

/// <summary>kcat (librdkafka's CLI) lists, produces and consumes against the broker, as a user would by hand.</summary>
[Collection(BrokerCollection.Name)]
public sealed class KcatTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private FjordTestCluster _broker = null!;

    public async Task InitializeAsync() => _broker = await FjordTestCluster.StartAsync(azurite.Host);

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private static Task<(int ExitCode, string Output)> KcatAsync(string arguments, string? input = null) => Kcat.RunAsync(arguments, input);

    [Fact]
    public async Task KcatListsProducesAndConsumes()
    {
        await KafkaClients.CreateTopicAsync(_broker.BootstrapServers, "kcat-topic", 2);

        var (listCode, listing) = await KcatAsync($"-b {_broker.BootstrapServers} -L");
        Assert.Equal(0, listCode);
        Assert.Contains("topic \"kcat-topic\" with 2 partitions", listing, StringComparison.Ordinal);
        Assert.Contains($"broker 0 at {_broker.BootstrapServers}", listing, StringComparison.Ordinal);

        var lines = Enumerable.Range(0, 50).Select(i => $"line-{i}").ToList();
        var (produceCode, produceOutput) = await KcatAsync($"-b {_broker.BootstrapServers} -P -t kcat-topic -p 1", string.Join('\n', lines) + "\n");
        Assert.True(produceCode == 0, produceOutput);

        var (consumeCode, consumed) = await KcatAsync($"-b {_broker.BootstrapServers} -C -t kcat-topic -p 1 -o beginning -e -q");
        Assert.Equal(0, consumeCode);
        Assert.Equal(lines, consumed.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}

using Fjord.Broker.Configuration;
using Fjord.Testing;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Tests.Infrastructure;

/// <summary>A broker running in the test process on an OS-assigned port, with its own data folder and metadata table.</summary>
public sealed class BrokerHost : IAsyncDisposable
{
    private readonly TempDirectory? _ownedDirectory;

    private BrokerHost(KafkaBroker broker, BrokerConfig config, TempDirectory? ownedDirectory)
    {
        Broker = broker;
        Config = config;
        _ownedDirectory = ownedDirectory;
    }

    public KafkaBroker Broker { get; private set; }
    public BrokerConfig Config { get; }
    public string BootstrapServers => Broker.BootstrapServers;
    public string LogDir => Config.LogDirs[0];

    public static string NewTableName() => "fjord" + Guid.NewGuid().ToString("N")[..16];

    public static async Task<BrokerHost> StartAsync(string storageConnectionString, IReadOnlyDictionary<string, string>? overrides = null,
        string? logDir = null, string? tableName = null)
    {
        var owned = logDir is null ? new TempDirectory("fjord-broker") : null;
        var values = new Dictionary<string, string>
        {
            ["node.id"] = "0",
            ["listeners"] = "PLAINTEXT://127.0.0.1:0",
            ["log.dirs"] = logDir ?? owned!.Path,
            ["fjord.metadata.connection.string"] = storageConnectionString,
            ["fjord.metadata.table"] = tableName ?? NewTableName(),
            ["fjord.metadata.poll.interval.ms"] = "200",
            // A single broker is the whole cluster: no need to wait for more before creating the offsets topic.
            ["offsets.topic.replication.factor"] = "1",
        };
        if (overrides is not null)
            foreach (var (k, v) in overrides) values[k] = v;
        var config = BrokerConfig.FromValues(values);
        var broker = await KafkaBroker.StartAsync(config, TestLogging.Factory, CancellationToken.None);
        return new BrokerHost(broker, config, owned);
    }

    /// <summary>Stops cleanly and starts again on the same data, table and port.</summary>
    public async Task RestartAsync()
    {
        var port = Broker.AdvertisedListeners[0].Port;
        await Broker.DisposeAsync();
        var values = Config.Values.ToDictionary();
        values["listeners"] = $"PLAINTEXT://127.0.0.1:{port}";
        Broker = await KafkaBroker.StartAsync(BrokerConfig.FromValues(values), TestLogging.Factory, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await Broker.DisposeAsync();
        _ownedDirectory?.Dispose();
    }
}

internal static class TestLogging
{
    public static ILoggerFactory Factory { get; } = LoggerFactory.Create(b => b.SetMinimumLevel(Environment.GetEnvironmentVariable("FJORD_TEST_LOG") == "info" ? LogLevel.Information : LogLevel.Warning).AddSimpleConsole(o => o.SingleLine = true));
}

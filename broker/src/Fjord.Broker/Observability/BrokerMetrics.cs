using System.Diagnostics.Metrics;
using Fjord.Broker.Configuration;

namespace Fjord.Broker.Observability;

/// <summary>
/// Everything one broker measures, on its own <see cref="BrokerTelemetry"/>: the instruments the data path records
/// into (handed to the components that record) and the gauges read at collection.
/// </summary>
public sealed class BrokerMetrics : IDisposable
{
    /// <summary>Overrides <see cref="BrokerTelemetry.AzureMonitorVariable"/> (a broker property, so a test or a config file can set it).</summary>
    public const string AzureMonitorConnectionStringConfig = "fjord.metrics.azure.monitor.connection.string";

    private BrokerMetrics(BrokerTelemetry telemetry)
    {
        Telemetry = telemetry;
        Topics = new BrokerTopicMetrics(telemetry.Meter);
        Requests = new RequestMetrics(telemetry.Meter);
        IsrChanges = new IsrChangeMetrics(telemetry.Meter);
        LogFlush = new LogFlushMetrics(telemetry.Meter);
    }

    public BrokerTelemetry Telemetry { get; }

    /// <summary>The broker's meter, for instruments defined elsewhere.</summary>
    public Meter Meter => Telemetry.Meter;

    public BrokerTopicMetrics Topics { get; }

    public RequestMetrics Requests { get; }

    public IsrChangeMetrics IsrChanges { get; }

    public LogFlushMetrics LogFlush { get; }

    public static async Task<BrokerMetrics> CreateAsync(BrokerConfig config, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(config);
        var azureMonitor = config.Get(AzureMonitorConnectionStringConfig) is { Length: > 0 } configured
            ? configured
            : Environment.GetEnvironmentVariable(BrokerTelemetry.AzureMonitorVariable);
        return new BrokerMetrics(await BrokerTelemetry.CreateAsync(config.NodeId, azureMonitor, ct));
    }

    /// <summary>Registers the gauges read from the running broker (see <see cref="PartitionHealthGauges"/>, <see cref="ConnectionGauges"/>).</summary>
    public void ObserveBroker(Func<int> underReplicated, Func<int> offline, Func<IReadOnlyDictionary<string, int>> connectionsByListener)
    {
        PartitionHealthGauges.Register(Meter, underReplicated, offline);
        ConnectionGauges.Register(Meter, connectionsByListener);
    }

    public void Dispose() => Telemetry.Dispose();
}

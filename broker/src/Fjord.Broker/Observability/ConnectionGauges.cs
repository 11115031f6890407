using System.Diagnostics.Metrics;

namespace Fjord.Broker.Observability;

/// <summary>Kafka's socket-server-metrics connection-count, per listener, read when a reader collects.</summary>
public static class ConnectionGauges
{
    public const string ConnectionCount = "kafka.server.socket_server_metrics.connection_count";
    public const string ListenerTag = "listener";

    public static void Register(Meter meter, Func<IReadOnlyDictionary<string, int>> connectionsByListener)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(connectionsByListener);
        meter.CreateObservableGauge(ConnectionCount,
            () => connectionsByListener().Select(l => new Measurement<int>(l.Value, new KeyValuePair<string, object?>(ListenerTag, l.Key))),
            "{connection}", "Open client connections per listener (Kafka's socket-server-metrics connection-count)");
    }
}

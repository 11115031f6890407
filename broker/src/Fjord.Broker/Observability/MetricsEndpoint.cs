using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Fjord.Broker.Observability;

/// <summary>GET /metrics on the operator endpoint: this broker's meter in Prometheus text, by OpenTelemetry's exporter.</summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static void Map(IEndpointRouteBuilder routes, BrokerTelemetry telemetry)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        // The provider is passed, not looked up: the operator endpoint's own services hold none.
        routes.MapPrometheusScrapingEndpoint(Path, telemetry.MeterProvider, configureBranchedPipeline: null, optionsName: null);
    }
}

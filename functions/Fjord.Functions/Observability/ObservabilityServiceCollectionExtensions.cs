using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Fjord.Functions.Observability;

/// <summary>
/// The control plane's metrics: <see cref="ControlPlaneMetrics"/> and an OpenTelemetry meter provider over it. In
/// Azure, <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> (set by infra on the Function App) sends them to Azure Monitor;
/// the local host adds its Prometheus exporter to the same provider (OpenTelemetry merges the registrations).
/// </summary>
public static class ObservabilityServiceCollectionExtensions
{
    public const string AppInsightsConnectionSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public static IServiceCollection AddFjordObservability(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<ControlPlaneMetrics>();
        var appInsights = configuration[AppInsightsConnectionSetting];
        if (string.IsNullOrWhiteSpace(appInsights)) return services;
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ControlPlaneMetrics.MeterName)
            .AddAzureMonitorMetricExporter(o => o.ConnectionString = appInsights.Trim()));
        return services;
    }
}

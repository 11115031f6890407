using System.Diagnostics.Metrics;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Fjord.Broker.Observability;

/// <summary>
/// One broker's metrics pipeline: the <c>Fjord.Broker</c> meter, made by this broker's own
/// <see cref="IMeterFactory"/>, read by an OpenTelemetry meter provider that is enabled for that meter in the
/// <see cref="MeterScope.Local"/> scope only. A meter's scope is the factory that made it, so the provider of one
/// broker never sees another's measurements — several brokers share a process in tests, and each one's
/// <c>/metrics</c> must still be its own. Exports Prometheus text (served by the operator endpoint) and, given
/// Application Insights' connection string, Azure Monitor.
/// </summary>
public sealed class BrokerTelemetry : IDisposable
{
    public const string MeterName = "Fjord.Broker";

    /// <summary>The variable the Bicep sets on the broker's container app (Application Insights' own name for it).</summary>
    public const string AzureMonitorVariable = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    // OpenTelemetry's listener name in the Microsoft.Extensions.Diagnostics metrics rules.
    private const string OpenTelemetryListener = "OpenTelemetry";

    private readonly ServiceProvider _services;

    private BrokerTelemetry(ServiceProvider services, Meter meter, MeterProvider provider)
    {
        _services = services;
        Meter = meter;
        MeterProvider = provider;
    }

    /// <summary>The meter every instrument of this broker is created on.</summary>
    public Meter Meter { get; }

    /// <summary>The provider the Prometheus scraping endpoint reads.</summary>
    public MeterProvider MeterProvider { get; }

    /// <param name="nodeId">Becomes <c>service.instance.id</c>, so Azure Monitor tells the brokers apart.</param>
    /// <param name="azureMonitorConnectionString">Application Insights' connection string; null or empty exports nothing to Azure.</param>
    public static async Task<BrokerTelemetry> CreateAsync(int nodeId, string? azureMonitorConnectionString, CancellationToken ct)
    {
        var services = new ServiceCollection();
        services.AddMetrics(metrics => metrics.EnableMetrics(MeterName, instrumentName: null, OpenTelemetryListener, MeterScope.Local));
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("fjord-broker", serviceInstanceId: nodeId.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .WithMetrics(metrics =>
            {
                // No cached scrape: an operator (or a test) reading right after a change sees it.
                metrics.AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
                if (!string.IsNullOrEmpty(azureMonitorConnectionString))
                    metrics.AddAzureMonitorMetricExporter(options => options.ConnectionString = azureMonitorConnectionString);
            });
        var provider = services.BuildServiceProvider();
        try
        {
            // Without a host nothing starts them: building the provider subscribes the exporters, and the
            // startup validation is what activates the metrics rules (the host would run it at start).
            var meterProvider = provider.GetRequiredService<MeterProvider>();
            await provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(ct);
            var meter = provider.GetRequiredService<IMeterFactory>().Create(MeterName);
            return new BrokerTelemetry(provider, meter, meterProvider);
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the exporters (Azure Monitor sends what it holds) and disposes the meter.</summary>
    public void Dispose() => _services.Dispose();
}

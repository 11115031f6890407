using Fjord.Functions.Observability;
using Fjord.Functions.Tenants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Fjord.Functions.LocalHost;

/// <summary>
/// The control plane without the Functions host (which cannot be installed here): Kestrel serving the very same
/// function methods under the same routes. Settings come from the environment and the command line, as for the
/// Functions app (see <see cref="ControlPlaneSettings"/>); <c>--urls</c> picks the address, by default a free
/// loopback port. Timer functions run too (<see cref="LocalTimers"/>), and Prometheus metrics are at <see cref="MetricsPath"/>.
/// </summary>
public static class LocalControlPlane
{
    public const string DefaultUrls = "http://127.0.0.1:0";

    /// <summary>The line fjord.sh and tests look for on stdout, followed by the bound URL.</summary>
    public const string ListeningLine = "Fjord control plane listening on ";

    /// <summary>Where Prometheus scrapes the control plane's metrics (<see cref="ControlPlaneMetrics"/>), unauthenticated like a broker's.</summary>
    public const string MetricsPath = "/metrics";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
            builder.WebHost.UseUrls(DefaultUrls);
        builder.Services.AddFjordControlPlane(builder.Configuration);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(ControlPlaneMetrics.MeterName).AddPrometheusExporter());
        builder.Services.AddHostedService<LocalTimers>();
        var app = builder.Build();
        app.MapHttpFunctions(typeof(TenantFunctions).Assembly);
        // Outside /api and outside functions.metadata: the Functions app exports to Azure Monitor instead.
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app;
    }

    /// <summary>The addresses Kestrel actually bound (port 0 resolved), once the app has started.</summary>
    public static IReadOnlyList<Uri> BoundAddresses(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return [.. addresses.Select(a => new Uri(a))];
    }
}

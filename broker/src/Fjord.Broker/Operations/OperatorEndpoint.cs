using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Operations;

/// <summary>
/// The broker's HTTP port for operators (<c>fjord.admin.listener</c>): questions about this broker that the Kafka
/// protocol has no request for. Off unless configured; it has no authentication of its own, so it listens where
/// only operators reach (loopback locally, the container's internal port in Azure).
/// </summary>
public sealed class OperatorEndpoint : IAsyncDisposable
{
    public const string ListenerConfig = "fjord.admin.listener";

    private readonly WebApplication _app;

    private OperatorEndpoint(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>Where it listens, with the port the OS gave when the configured one was 0.</summary>
    public Uri Address { get; }

    /// <param name="listener">An http:// URL such as <c>http://127.0.0.1:9644</c>.</param>
    /// <param name="map">Adds the routes.</param>
    public static async Task<OperatorEndpoint> StartAsync(string listener, Action<IEndpointRouteBuilder> map, ILoggerFactory loggers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (!Uri.TryCreate(listener, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            throw new Configuration.ConfigException($"{ListenerConfig} must be an http:// URL such as http://127.0.0.1:9644, not '{listener}'");

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(uri.GetLeftPart(UriPartial.Authority));
        // The broker's own logger factory, so its lines look like every other broker line.
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        var app = builder.Build();
        map(app);
        await app.StartAsync(ct);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The operator endpoint bound no address");
        return new OperatorEndpoint(app, new Uri(bound));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Fjord.Broker.Operations;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Broker.Tests.Operations;

/// <summary>
/// The container probes over real HTTP: liveness is 200 whenever the endpoint answers; readiness is 503 with a reason
/// while starting, 200 once started, 503 again while the broker cannot serve and once its stop has begun. A real
/// broker answers 200 once started and stops being ready the moment its stop begins.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class HealthRoutesTests(AzuriteFixture azurite)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task ReadinessFollowsTheBrokersPhaseWhileLivenessStaysUp()
    {
        string? problem = null;
        var health = new BrokerHealth(() => problem);
        await using var endpoint = await OperatorEndpoint.StartAsync("http://127.0.0.1:0", routes => HealthRoutes.Map(routes, health),
            NullLoggerFactory.Instance, CancellationToken.None);

        await AssertReadyAsync(endpoint.Address, HttpStatusCode.ServiceUnavailable, "starting");
        await AssertLiveAsync(endpoint.Address);

        health.MarkStarted();
        await AssertReadyAsync(endpoint.Address, HttpStatusCode.OK, null);

        problem = "fenced: the registration was lost";
        await AssertReadyAsync(endpoint.Address, HttpStatusCode.ServiceUnavailable, "fenced: the registration was lost");
        problem = null;
        await AssertReadyAsync(endpoint.Address, HttpStatusCode.OK, null);

        health.MarkStopping();
        await AssertReadyAsync(endpoint.Address, HttpStatusCode.ServiceUnavailable, "shutting down");
        // A stop is final: a late "started" does not make it ready again.
        health.MarkStarted();
        await AssertReadyAsync(endpoint.Address, HttpStatusCode.ServiceUnavailable, "shutting down");
        await AssertLiveAsync(endpoint.Address);
    }

    [Fact]
    public async Task AStartedBrokerIsReadyAndStopsBeingReadyWhenItsStopBegins()
    {
        var cluster = await FjordTestCluster.StartAsync(azurite.Host, new Dictionary<string, string> { ["fjord.admin.listener"] = "http://127.0.0.1:0" });
        Task? stopping = null;
        try
        {
            var health = cluster.InProcess().Health;
            var address = cluster.InProcess().OperatorEndpoint!;
            await AssertReadyAsync(address, HttpStatusCode.OK, null);
            await AssertLiveAsync(address);

            stopping = cluster.DisposeAsync().AsTask();
            // Marked before the stop's first await, ahead of the controlled shutdown and the endpoint's close.
            Assert.Equal("shutting down", health.NotReadyReason);
        }
        finally
        {
            await (stopping ?? cluster.DisposeAsync().AsTask());
        }
    }

    [Fact]
    public async Task TheDockerfileHealthchecksBareHttp10RequestGetsTheReadinessStatusLine()
    {
        var health = new BrokerHealth(() => null);
        await using var endpoint = await OperatorEndpoint.StartAsync("http://127.0.0.1:0", routes => HealthRoutes.Map(routes, health),
            NullLoggerFactory.Instance, CancellationToken.None);
        Assert.EndsWith(" 503 Service Unavailable", await DockerfileProbeAsync(endpoint.Address), StringComparison.Ordinal);
        health.MarkStarted();
        // The HEALTHCHECK greps the first line for " 200 ".
        Assert.Contains(" 200 ", await DockerfileProbeAsync(endpoint.Address), StringComparison.Ordinal);
    }

    /// <summary>What the Dockerfile's HEALTHCHECK sends through bash's /dev/tcp (no Host header, HTTP/1.0); the status line.</summary>
    private static async Task<string> DockerfileProbeAsync(Uri address)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync("GET /health/ready HTTP/1.0\r\n\r\n"u8.ToArray());
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadLineAsync() ?? "";
    }

    private static async Task AssertLiveAsync(Uri address)
    {
        using var response = await Http.GetAsync(new Uri(address, HealthRoutes.LivePath));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("live", Body(await response.Content.ReadAsStringAsync()).GetProperty("status").GetString());
    }

    private static async Task AssertReadyAsync(Uri address, HttpStatusCode status, string? reason)
    {
        using var response = await Http.GetAsync(new Uri(address, HealthRoutes.ReadyPath));
        var body = Body(await response.Content.ReadAsStringAsync());
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(reason is null ? "ready" : "not ready", body.GetProperty("status").GetString());
        Assert.Equal(reason, body.TryGetProperty("reason", out var r) ? r.GetString() : null);
    }

    private static JsonElement Body(string json) => JsonDocument.Parse(json).RootElement.Clone();
}

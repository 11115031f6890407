using Fjord.Testing;

namespace Fjord.Broker.Tests.Observability;

/// <summary>
/// Three in-process brokers in this one test process, each with its operator endpoint (and so its
/// <c>/metrics</c>) on a port the OS chose. A follower is judged lagging after 2 s; its session lasts 10 s, so a
/// stopped follower leaves the ISR through its leader's shrink, not through the controller fencing it; and a stop
/// skips controlled shutdown, which would take it out of the ISR before it stops.
/// </summary>
public sealed class MetricsClusterFixture(AzuriteFixture azurite) : FjordTestClusterFixture
{
    public const int ReplicaLagTimeMaxMs = 2000;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    protected override FjordTestClusterOptions Options => new()
    {
        Azurite = azurite.Host,
        Brokers = 3,
        Settings = new Dictionary<string, string>
        {
            ["fjord.admin.listener"] = "http://127.0.0.1:0",
            ["replica.lag.time.max.ms"] = ReplicaLagTimeMaxMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["broker.heartbeat.interval.ms"] = "500",
            ["broker.session.timeout.ms"] = "10000",
            ["fjord.controller.tick.ms"] = "250",
            ["fjord.metadata.poll.interval.ms"] = "250",
            ["controlled.shutdown.enable"] = "false",
        },
    };

    /// <summary>GET /metrics of one broker, parsed.</summary>
    public async Task<PrometheusText> ScrapeAsync(int nodeId)
    {
        var endpoint = Cluster.InProcess(nodeId).OperatorEndpoint ?? throw new InvalidOperationException("fjord.admin.listener is not set");
        using var response = await Http.GetAsync(new Uri(endpoint, "/metrics"));
        response.EnsureSuccessStatusCode();
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }
}

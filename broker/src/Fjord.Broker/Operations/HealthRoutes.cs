using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fjord.Broker.Operations;

/// <summary>
/// The probes of the container platform (Container Apps, the Dockerfile's HEALTHCHECK): <c>/health/live</c> answers
/// 200 while the process serves HTTP at all, <c>/health/ready</c> answers 200 only while the broker can serve Kafka
/// clients and 503 with the reason otherwise.
/// </summary>
public static class HealthRoutes
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Map(IEndpointRouteBuilder routes, BrokerHealth health)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(health);
        routes.MapGet(LivePath, () => Results.Json(new HealthStatus("live", null), Json));
        routes.MapGet(ReadyPath, () => health.NotReadyReason is { } reason
            ? Results.Json(new HealthStatus("not ready", reason), Json, statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Json(new HealthStatus("ready", null), Json));
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using Fjord.Broker.Quotas;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fjord.Broker.Operations;

/// <summary>The operator endpoint's routes: tenant usage and quota usage, as JSON.</summary>
public static class OperatorRoutes
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static void Map(IEndpointRouteBuilder routes, TenantUsageReporter tenants, BrokerQuotas? quotas)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/v1/tenants/{tenant}/usage", (string tenant) =>
            tenants.Report(tenant) is { } report
                ? Results.Json(report, Json)
                : Results.Problem($"No tenant '{tenant}' is known to this broker", statusCode: StatusCodes.Status404NotFound));
        // Every client this broker holds to a quota, the operator's own included; narrowed by ?tenant= or ?user=.
        routes.MapGet("/v1/quotas/usage", (string? tenant, string? user) =>
            Results.Json(quotas?.Usage(tenant, user) ?? (IReadOnlyList<QuotaUsage>)[], Json));
    }
}

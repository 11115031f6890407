using System.Globalization;
using Fjord.ControlPlane.Tenants;
using Fjord.ControlPlane.Usage;
using Fjord.Functions.Http;
using Fjord.Functions.OpenApi;
using Fjord.Security.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Fjord.Functions.Usage;

/// <summary>
/// <c>/api/v1/tenants/{tenant}/usage</c>: GET the tenant's hourly usage as the reconciler rolled it up (records in,
/// retained bytes, partitions, topics). Operator keys may read any tenant's; a tenant key only its own. Read-only:
/// only the reconciler's timer writes usage.
/// </summary>
public sealed class UsageFunctions(ApiRequests api, TenantAdministration tenants, TenantUsageStore usage, TimeProvider time)
{
    public const string Route = "v1/tenants/{tenant}/usage";
    public const int DefaultHours = 24;

    /// <summary>31 days: a month's bill.</summary>
    public const int MaxHours = 744;

    [Function("GetTenantUsage")]
    [ApiQuery("hours", typeof(int), "How many hours back from now, 1 to 744 (default 24)")]
    [ApiResponse(200, typeof(TenantUsageResource), "The tenant's rolled-up hours, oldest first")]
    public Task<IActionResult> GetTenantUsage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route)] HttpRequest request, string tenant) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            if (TenantNamespace.IdProblem(tenant) is { } problem) throw ApiProblemException.BadRequest(problem);
            ApiRequests.RequireAccess(caller, tenant);
            var hours = Hours(request.Query["hours"]);
            _ = await tenants.GetAsync(tenant, ct).ConfigureAwait(false)
                ?? throw new TenantAdministrationException(TenantErrorKind.NotFound, $"No tenant {tenant}");
            var now = time.GetUtcNow();
            var from = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(1 - hours);
            var rows = await usage.ListAsync(tenant, from, ct).ConfigureAwait(false);
            return ApiResult.Ok(new TenantUsageResource(tenant, from, [.. rows.Select(TenantUsageHourResource.From)]));
        });

    private static int Hours(string? value)
    {
        if (string.IsNullOrEmpty(value)) return DefaultHours;
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var hours) || hours is < 1 or > MaxHours)
            throw ApiProblemException.BadRequest($"hours '{value}' must be a whole number from 1 to {MaxHours}");
        return hours;
    }
}

using Fjord.ControlPlane.Quotas;
using Fjord.Functions.Http;
using Fjord.Functions.OpenApi;
using Fjord.Security.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Fjord.Functions.Quotas;

/// <summary>
/// <c>/api/v1/tenants/{tenant}/quotas</c>: GET (operator keys and the tenant's own) shows the tenant's cap and the quotas
/// it set on its users and client ids (with Kafka's AlterClientQuotas); PUT (operator keys only) replaces the cap,
/// which bounds the sum of all the tenant's clients across the cluster. The brokers apply a change within seconds.
/// </summary>
public sealed class QuotaFunctions(ApiRequests api, QuotaAdministration quotas)
{
    public const string Route = "v1/tenants/{tenant}/quotas";

    [Function("GetTenantQuotas")]
    [ApiResponse(200, typeof(TenantQuotasResource), "The tenant's cap and its own quota entities")]
    public Task<IActionResult> GetTenantQuotas([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route)] HttpRequest request, string tenant) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            ValidateId(tenant);
            ApiRequests.RequireAccess(caller, tenant);
            return ApiResult.Ok(TenantQuotasResource.From(await quotas.GetAsync(tenant, ct).ConfigureAwait(false)));
        });

    [Function("PutTenantQuotas")]
    [ApiRequestBody(typeof(TenantQuotaCapBody))]
    [ApiResponse(200, typeof(TenantQuotasResource), "The new cap applies on every broker within seconds")]
    public Task<IActionResult> PutTenantQuotas([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Route)] HttpRequest request, string tenant) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            ValidateId(tenant);
            ApiRequests.RequireAccess(caller, tenant);
            ApiRequests.RequireOperator(caller, "change a tenant's quotas");
            var body = await ApiRequests.ReadBodyAsync<TenantQuotaCapBody>(request, ct).ConfigureAwait(false);
            return ApiResult.Ok(TenantQuotasResource.From(await quotas.SetCapAsync(tenant, body.ToCap(), ct).ConfigureAwait(false)));
        });

    private static void ValidateId(string tenant)
    {
        if (TenantNamespace.IdProblem(tenant) is { } problem) throw ApiProblemException.BadRequest(problem);
    }
}

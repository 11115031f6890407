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
/// Both answer with the cap's <c>ETag</c>; a PUT with <c>If-Match</c> applies only over that cap (412 when it changed).
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
            var current = await quotas.GetAsync(tenant, ct).ConfigureAwait(false);
            return ApiResult.Ok(TenantQuotasResource.From(current), QuotaETag.Of(current.Cap));
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
            var updated = await quotas.SetCapAsync(tenant, body.ToCap(), ct, ApiRequests.IfMatch(request)).ConfigureAwait(false);
            return ApiResult.Ok(TenantQuotasResource.From(updated), QuotaETag.Of(updated.Cap));
        });

    private static void ValidateId(string tenant)
    {
        if (TenantNamespace.IdProblem(tenant) is { } problem) throw ApiProblemException.BadRequest(problem);
    }
}

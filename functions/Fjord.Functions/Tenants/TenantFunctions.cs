using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Fjord.ControlPlane.ApiKeys;
using Fjord.ControlPlane.Certificates;
using Fjord.ControlPlane.Tenants;
using Fjord.Functions.Http;
using Fjord.Functions.OpenApi;
using Fjord.Security.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Fjord.Functions.Tenants;

/// <summary>
/// <c>/api/v1/tenants</c>: list, get, create (idempotent PUT), suspend, resume, limits and delete. Operator keys may
/// do all of it; a tenant-scoped key may only read its own tenant (limits and state are the operator's to set).
/// Every answer that carries a tenant carries its <c>ETag</c>; every write honours <c>If-Match</c> (412 when stale).
/// </summary>
/// <remarks>
/// DELETE answers 202 with <c>Location</c> = the tenant's URL while the brokers' reaper removes what the tenant owns
/// (GET shows <c>"state": "deleting"</c>); DELETE again meanwhile is another 202. Once the row is gone GET and
/// DELETE answer 404: a client retrying a DELETE treats 404 as done.
/// </remarks>
public sealed class TenantFunctions(ApiRequests api, TenantAdministration admin, CertificateAdministration certificates)
{
    public const string CollectionRoute = "v1/tenants";
    public const string ItemRoute = CollectionRoute + "/{tenant}";

    /// <summary>The path the Functions host and the local host both serve the API under (host.json's routePrefix).</summary>
    private const string PathPrefix = "/api/";

    [Function("ListTenants")]
    [ApiQuery("limit", typeof(int), "Page size, 1 to 1000 (default 100)")]
    [ApiQuery("continuation", typeof(string), "The next of the previous page")]
    [ApiResponse(200, typeof(TenantPage), "A page of tenants in id order; a tenant key sees only its own")]
    public Task<IActionResult> ListTenants([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = CollectionRoute)] HttpRequest request) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            IEnumerable<Tenant> visible = await admin.ListAsync(ct).ConfigureAwait(false);
            if (!caller.IsOperator) visible = visible.Where(t => t.Id == caller.TenantId);
            // The store lists in id order, so "after the last id shown" resumes exactly, even across creates and deletes.
            var (page, next) = Paging.Page(visible, t => t.Id, request.Query["limit"], request.Query["continuation"], id => TenantNamespace.IdProblem(id) is null);
            return ApiResult.Ok(new TenantPage([.. page.Select(t => TenantResource.From(t))], next));
        });

    [Function("GetTenant")]
    [ApiResponse(200, typeof(TenantResource), "The tenant, with its ETag")]
    public Task<IActionResult> GetTenant([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ItemRoute)] HttpRequest request, string tenant) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            ValidateId(tenant);
            ApiRequests.RequireAccess(caller, tenant);
            var found = await admin.GetAsync(tenant, ct).ConfigureAwait(false) ?? throw NotFound(tenant);
            return ApiResult.Ok(TenantResource.From(found), TenantETag.Of(found));
        });

    /// <summary>
    /// Creates the tenant: 201 with the admin's password (shown this once). The same body again is 200 with the tenant
    /// as it is (no password: reset it with the CLI if lost); a different display name or limits is 409.
    /// </summary>
    [Function("PutTenant")]
    [ApiRequestBody(typeof(CreateTenantBody))]
    [ApiResponse(201, typeof(TenantResource), "Created; the body holds the admin user's password, shown this once")]
    [ApiResponse(200, typeof(TenantResource), "The same tenant existed already")]
    public Task<IActionResult> PutTenant([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = ItemRoute)] HttpRequest request, string tenant) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            ValidateId(tenant);
            ApiRequests.RequireAccess(caller, tenant);
            ApiRequests.RequireOperator(caller, "create tenants");
            var body = await ApiRequests.ReadBodyAsync<CreateTenantBody>(request, ct).ConfigureAwait(false);
            var limits = body.Limits?.ToLimits() ?? TenantLimits.None;
            var ifMatch = ApiRequests.IfMatch(request);
            var existing = await admin.GetAsync(tenant, ct).ConfigureAwait(false);
            if (existing is null && ifMatch is not null)
                throw new TenantAdministrationException(TenantErrorKind.PreconditionFailed, $"Tenant {tenant} does not exist, so no If-Match can match it; send the PUT without If-Match to create it");
            if (existing is not null && !TenantETag.Matches(ifMatch, existing))
                throw new TenantAdministrationException(TenantErrorKind.PreconditionFailed, $"Tenant {tenant} has changed: its ETag is now {TenantETag.Of(existing)}, not {ifMatch}");
            if (existing is not null && IsNoneMatchAny(request))
                throw new TenantAdministrationException(TenantErrorKind.PreconditionFailed, $"Tenant {tenant} exists already, and If-None-Match: * asked to create it only if it did not");
            try
            {
                var created = await admin.CreateTenantAsync(tenant, body.DisplayName, limits, ct).ConfigureAwait(false);
                var resource = TenantResource.From(created.Tenant, new AdminCredentialsResource(created.Admin.Username, created.Admin.Password));
                return ApiResult.Created(resource, TenantETag.Of(created.Tenant), Location(tenant));
            }
            catch (TenantAdministrationException e) when (e.Kind == TenantErrorKind.AlreadyExists)
            {
                var current = await admin.GetAsync(tenant, ct).ConfigureAwait(false)
                    ?? throw new TenantAdministrationException(TenantErrorKind.Conflict, $"Tenant {tenant} was deleted meanwhile; try again");
                var displayName = string.IsNullOrWhiteSpace(body.DisplayName) ? tenant : body.DisplayName.Trim();
                if (current.DisplayName != displayName || current.Limits != limits)
                {
                    throw new TenantAdministrationException(TenantErrorKind.AlreadyExists,
                        $"Tenant {tenant} exists already with a different display name or limits; change limits with PUT {PathPrefix}{CollectionRoute}/{tenant}/limits");
                }
                return ApiResult.Ok(TenantResource.From(current), TenantETag.Of(current));
            }
        });

    [Function("SuspendTenant")]
    [ApiResponse(200, typeof(TenantResource), "Suspended: its connections are closed within seconds")]
    public Task<IActionResult> SuspendTenant([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ItemRoute + "/suspend")] HttpRequest request, string tenant) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            ValidateId(tenant);
            ApiRequests.RequireAccess(caller, tenant);
            ApiRequests.RequireOperator(caller, "suspend a tenant");
            var updated = await admin.SuspendAsync(tenant, ApiRequests.IfMatch(request), ct).ConfigureAwait(false);
            return ApiResult.Ok(TenantResource.From(updated), TenantETag.Of(updated));
        });

    [Function("ResumeTenant")]
    [ApiResponse(200, typeof(TenantResource), "Active again")]
    public Task<IActionResult> ResumeTenant([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ItemRoute + "/resume")] HttpRequest request, string tenant) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            ValidateId(tenant);
            ApiRequests.RequireAccess(caller, tenant);
            ApiRequests.RequireOperator(caller, "resume a tenant");
            var updated = await admin.ResumeAsync(tenant, ApiRequests.IfMatch(request), ct).ConfigureAwait(false);
            return ApiResult.Ok(TenantResource.From(updated), TenantETag.Of(updated));
        });

    [Function("PutTenantLimits")]
    [ApiRequestBody(typeof(TenantLimitsBody))]
    [ApiResponse(200, typeof(TenantResource), "The new limits apply within seconds")]
    public Task<IActionResult> PutTenantLimits([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = ItemRoute + "/limits")] HttpRequest request, string tenant) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            ValidateId(tenant);
            ApiRequests.RequireAccess(caller, tenant);
            ApiRequests.RequireOperator(caller, "change a tenant's limits");
            var body = await ApiRequests.ReadBodyAsync<TenantLimitsBody>(request, ct).ConfigureAwait(false);
            var updated = await admin.SetLimitsAsync(tenant, body.ToLimits(), ApiRequests.IfMatch(request), ct).ConfigureAwait(false);
            return ApiResult.Ok(TenantResource.From(updated), TenantETag.Of(updated));
        });

    [Function("DeleteTenant")]
    [ApiResponse(202, typeof(TenantResource), "Deleting: the brokers remove its data; GET the Location until 404")]
    public Task<IActionResult> DeleteTenant([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = ItemRoute)] HttpRequest request, string tenant) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            ValidateId(tenant);
            ApiRequests.RequireAccess(caller, tenant);
            ApiRequests.RequireOperator(caller, "delete a tenant");
            var deleting = await admin.DeleteAsync(tenant, ApiRequests.IfMatch(request), ct).ConfigureAwait(false);
            // After the delete is accepted (a refused one writes nothing); a retried DELETE revokes what a failure left.
            await certificates.RevokeAllAsync(tenant, ct).ConfigureAwait(false);
            return ApiResult.Accepted(TenantResource.From(deleting), TenantETag.Of(deleting), Location(tenant));
        });

    private static string Location(string tenant) => PathPrefix + CollectionRoute + "/" + tenant;

    private static void ValidateId(string tenant)
    {
        if (TenantNamespace.IdProblem(tenant) is { } problem) throw ApiProblemException.BadRequest(problem);
    }

    private static ApiProblemException NotFound(string tenant) => ApiProblemException.NotFound($"Tenant {tenant} does not exist");

    private static bool IsNoneMatchAny(HttpRequest request) => request.Headers.IfNoneMatch.Any(v => v?.Trim() == "*");

}

using Fjord.ControlPlane.ApiKeys;
using Fjord.ControlPlane.Tenants;
using Fjord.Functions.Http;
using Fjord.Functions.OpenApi;
using Fjord.Security.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Fjord.Functions.ApiKeys;

/// <summary>
/// The control plane's API keys. <c>/api/v1/apikeys</c> is the operator's alone: create an operator key or a key
/// for one tenant (the secret is in the 201 and nowhere else), list every key without secrets (paged; <c>?tenant=</c>
/// narrows it), delete any key. <c>/api/v1/tenants/{tenant}/apikeys</c> is the tenant's view: an operator key or a
/// key of that tenant may list the tenant's keys, create one for the tenant, and delete one of the tenant's keys
/// (another tenant's key id is 404 there, as if it did not exist). A tenant key may not create a key that outlives
/// itself (403), so a leaked key cannot be used to mint a longer-lived one; deleting is always allowed, the key
/// itself included, so a tenant can revoke what leaked without waiting for an operator.
/// </summary>
/// <remarks>
/// Keys are created only for tenants that exist and are not being deleted. Expired keys are listed (with
/// <c>"expired": true</c>) until the reaper removes them a week after expiry.
/// </remarks>
public sealed class ApiKeyFunctions(ApiRequests api, ApiKeyStore keys, TenantAdministration tenants, TimeProvider time)
{
    public const string CollectionRoute = "v1/apikeys";
    public const string ItemRoute = CollectionRoute + "/{key}";
    public const string TenantCollectionRoute = "v1/tenants/{tenant}/apikeys";
    public const string TenantItemRoute = TenantCollectionRoute + "/{key}";

    private const string PathPrefix = "/api/";

    [Function("ListApiKeys")]
    [ApiQuery("limit", typeof(int), "Page size, 1 to 1000 (default 100)")]
    [ApiQuery("continuation", typeof(string), "The next of the previous page")]
    [ApiQuery("tenant", typeof(string), "Only this tenant's keys")]
    [ApiResponse(200, typeof(ApiKeyPage), "A page of keys, without secrets")]
    public Task<IActionResult> ListApiKeys([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = CollectionRoute)] HttpRequest request) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            ApiRequests.RequireOperator(caller, "list every API key; a tenant key lists its own tenant's under /api/v1/tenants/{tenant}/apikeys");
            string? tenant = request.Query["tenant"];
            if (tenant is not null) ValidateTenantId(tenant);
            return await ListAsync(request, tenant, ct).ConfigureAwait(false);
        });

    [Function("CreateApiKey")]
    [ApiRequestBody(typeof(CreateApiKeyBody))]
    [ApiResponse(201, typeof(ApiKeyResource), "Created; the key is in the body, shown this once")]
    public Task<IActionResult> CreateApiKey([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = CollectionRoute)] HttpRequest request) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            ApiRequests.RequireOperator(caller, "create keys here; a tenant key creates its tenant's under /api/v1/tenants/{tenant}/apikeys");
            var body = await ApiRequests.ReadBodyAsync<CreateApiKeyBody>(request, ct).ConfigureAwait(false);
            if (body.Tenant is not null) ValidateTenantId(body.Tenant);
            return await CreateAsync(caller, body.Tenant, body, ct).ConfigureAwait(false);
        });

    /// <summary>204 once the key is gone (it stops working at once); 404 when there is no such key.</summary>
    [Function("DeleteApiKey")]
    [ApiResponse(204, null, "Deleted")]
    public Task<IActionResult> DeleteApiKey([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = ItemRoute)] HttpRequest request, string key) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            ApiRequests.RequireOperator(caller, "delete any key; a tenant key deletes its tenant's under /api/v1/tenants/{tenant}/apikeys");
            ValidateKeyId(key);
            if (!await keys.DeleteAsync(key, ct).ConfigureAwait(false)) throw NotFound(key);
            return ApiResult.NoContent();
        });

    [Function("ListTenantApiKeys")]
    [ApiQuery("limit", typeof(int), "Page size, 1 to 1000 (default 100)")]
    [ApiQuery("continuation", typeof(string), "The next of the previous page")]
    [ApiResponse(200, typeof(ApiKeyPage), "A page of the tenant's keys, without secrets")]
    public Task<IActionResult> ListTenantApiKeys([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = TenantCollectionRoute)] HttpRequest request, string tenant) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            Authorize(caller, tenant);
            _ = await tenants.GetAsync(tenant, ct).ConfigureAwait(false) ?? throw ApiProblemException.NotFound($"Tenant {tenant} does not exist");
            return await ListAsync(request, tenant, ct).ConfigureAwait(false);
        });

    [Function("CreateTenantApiKey")]
    [ApiRequestBody(typeof(CreateApiKeyBody))]
    [ApiResponse(201, typeof(ApiKeyResource), "Created; the key is in the body, shown this once")]
    public Task<IActionResult> CreateTenantApiKey([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = TenantCollectionRoute)] HttpRequest request, string tenant) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            Authorize(caller, tenant);
            var body = await ApiRequests.ReadBodyAsync<CreateApiKeyBody>(request, ct).ConfigureAwait(false);
            if (body.Tenant is not null && body.Tenant != tenant)
                throw ApiProblemException.BadRequest($"tenant '{body.Tenant}' in the body differs from tenant {tenant} in the path; leave it out here");
            return await CreateAsync(caller, tenant, body, ct).ConfigureAwait(false);
        });

    /// <summary>204 once the key is gone; 404 when the tenant has no such key (another tenant's key included).</summary>
    [Function("DeleteTenantApiKey")]
    [ApiResponse(204, null, "Deleted")]
    public Task<IActionResult> DeleteTenantApiKey([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = TenantItemRoute)] HttpRequest request, string tenant, string key) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            Authorize(caller, tenant);
            ValidateKeyId(key);
            var found = await keys.GetAsync(key, ct).ConfigureAwait(false);
            if (found is null || found.TenantId != tenant) throw ApiProblemException.NotFound($"Tenant {tenant} has no API key {key}");
            if (!await keys.DeleteAsync(key, ct).ConfigureAwait(false)) throw NotFound(key);
            return ApiResult.NoContent();
        });

    private async Task<IActionResult> ListAsync(HttpRequest request, string? tenant, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var all = await keys.ListAsync(tenant, ct).ConfigureAwait(false);
        var (page, next) = Paging.Page(all.OrderBy(k => k.KeyId, StringComparer.Ordinal), k => k.KeyId, request.Query["limit"], request.Query["continuation"]);
        return ApiResult.Ok(new ApiKeyPage([.. page.Select(k => ApiKeyResource.From(k, now))], next));
    }

    private async Task<IActionResult> CreateAsync(ApiKeyPrincipal caller, string? tenant, CreateApiKeyBody body, CancellationToken ct)
    {
        if (body.Problem() is { } problem) throw ApiProblemException.BadRequest(problem);
        var lifetime = TimeSpan.FromDays(body.LifetimeDays);
        if (!caller.IsOperator && time.GetUtcNow() + lifetime > caller.ExpiresAt)
        {
            throw ApiProblemException.Forbidden(
                $"This key expires at {caller.ExpiresAt:u}; a key it creates may not outlive it. Ask for fewer lifetimeDays, or ask an operator");
        }
        if (tenant is not null)
        {
            var found = await tenants.GetAsync(tenant, ct).ConfigureAwait(false) ?? throw ApiProblemException.NotFound($"Tenant {tenant} does not exist");
            if (found.State == TenantState.Deleting)
                throw new TenantAdministrationException(TenantErrorKind.Conflict, $"Tenant {tenant} is being deleted");
        }
        var created = tenant is null
            ? await keys.CreateOperatorKeyAsync(lifetime, body.Description, ct).ConfigureAwait(false)
            : await keys.CreateTenantKeyAsync(tenant, lifetime, body.Description, ct).ConfigureAwait(false);
        var principal = created.Principal;
        var info = new ApiKeyInfo(principal.KeyId, principal.TenantId, principal.ExpiresAt - lifetime, principal.ExpiresAt, body.Description ?? "");
        return ApiResult.Created(ApiKeyResource.From(info, time.GetUtcNow(), created.Secret), "\"" + principal.KeyId + "\"", PathPrefix + CollectionRoute + "/" + principal.KeyId);
    }

    private static void Authorize(ApiKeyPrincipal caller, string tenant)
    {
        ValidateTenantId(tenant);
        ApiRequests.RequireAccess(caller, tenant);
    }

    private static void ValidateTenantId(string tenant)
    {
        if (TenantNamespace.IdProblem(tenant) is { } problem) throw ApiProblemException.BadRequest(problem);
    }

    private static void ValidateKeyId(string key)
    {
        if (!ApiKeyStore.IsWellFormedId(key))
            throw ApiProblemException.BadRequest($"'{key}' is not an API key id: ids are 20 lower-case hex digits (the part between 'fjk.' and the next '.')");
    }

    private static ApiProblemException NotFound(string key) => ApiProblemException.NotFound($"There is no API key {key}");
}

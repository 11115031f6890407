using Fjord.ControlPlane.Acls;
using Fjord.ControlPlane.ApiKeys;
using Fjord.Functions.Http;
using Fjord.Functions.OpenApi;
using Fjord.Security.Authorization;
using Fjord.Security.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Fjord.Functions.Acls;

/// <summary>
/// <c>/api/v1/tenants/{tenant}/acls</c>: a tenant's ACLs in its own names, mapped exactly as the brokers map a
/// tenant's own CreateAcls/DescribeAcls/DeleteAcls (<see cref="AclAdministration"/>): resource <c>orders</c>,
/// principal <c>User:bob</c> or <c>User:*</c> (every user of the tenant), Literal <c>*</c> (every resource of the
/// tenant), Cluster <c>kafka-cluster</c> (the tenant's own cluster resource). GET lists, filtered by the query
/// parameters resourceType, resourceName, patternType, principal, host, operation and permission (Kafka's filter
/// rules); POST creates one binding or <c>{"bindings": [...]}</c>, idempotently (200, each binding marked
/// <c>created</c> true or false); DELETE deletes what a filter (body, or the same query parameters) matches and
/// answers with what it deleted. Operator keys may do all of it on every tenant; a tenant key may do all of it on
/// its own tenant, as its admin can over Kafka.
/// </summary>
/// <remarks>
/// User and DelegationToken ACLs are the operator's and are refused here (400), as the brokers refuse them from a
/// tenant. The admin's own ACLs are listed but never deleted by this route (reset the admin's password to restore
/// them should they be deleted over Kafka). A DELETE must name at least one filter field: to delete every ACL of the
/// tenant, say so with <c>resourceType=Any</c>.
/// </remarks>
public sealed class AclFunctions(ApiRequests api, AclAdministration acls)
{
    public const string CollectionRoute = "v1/tenants/{tenant}/acls";

    [Function("ListAcls")]
    [ApiQuery("resourceType", typeof(string), "Filter: resourceType (Kafka's names; omitted matches any)")]
    [ApiQuery("resourceName", typeof(string), "Filter: resourceName (Kafka's names; omitted matches any)")]
    [ApiQuery("patternType", typeof(string), "Filter: patternType (Kafka's names; omitted matches any)")]
    [ApiQuery("principal", typeof(string), "Filter: principal (Kafka's names; omitted matches any)")]
    [ApiQuery("host", typeof(string), "Filter: host (Kafka's names; omitted matches any)")]
    [ApiQuery("operation", typeof(string), "Filter: operation (Kafka's names; omitted matches any)")]
    [ApiQuery("permission", typeof(string), "Filter: permission (Kafka's names; omitted matches any)")]
    [ApiResponse(200, typeof(AclList), "The tenant's ACL bindings matching the filter, in its own names")]
    public Task<IActionResult> ListAcls([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = CollectionRoute)] HttpRequest request, string tenant) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            Authorize(caller, tenant);
            var filter = FromQuery(request);
            var found = await acls.ListAsync(tenant, Validated(filter.ToFilter()), ct).ConfigureAwait(false);
            return ApiResult.Ok(new AclList([.. found.Select(b => AclResource.From(b))]));
        });

    [Function("CreateAcls")]
    [ApiRequestBody(typeof(CreateAclsBody))]
    [ApiResponse(200, typeof(AclList), "Each binding, and whether it was created or existed")]
    public Task<IActionResult> CreateAcls([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = CollectionRoute)] HttpRequest request, string tenant) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            Authorize(caller, tenant);
            var body = await ApiRequests.ReadBodyAsync<CreateAclsBody>(request, ct).ConfigureAwait(false);
            if (body.Bindings.Count == 0) throw ApiProblemException.BadRequest("bindings is empty; send at least one binding. Expected e.g. " + CreateAclsBody.Example);
            var bindings = new List<AclBinding>(body.Bindings.Count);
            for (var i = 0; i < body.Bindings.Count; i++)
            {
                var where = body.Bindings.Count == 1 ? "" : $"bindings[{i}].";
                var binding = (body.Bindings[i] ?? throw ApiProblemException.BadRequest($"bindings[{i}] is null; each binding is an object")).ToBinding(where);
                if (AclAdministration.BindingProblem(binding) is { } problem)
                    throw ApiProblemException.BadRequest(body.Bindings.Count == 1 ? problem : $"bindings[{i}]: {problem}");
                bindings.Add(binding);
            }
            var results = await acls.CreateAsync(tenant, bindings, ct).ConfigureAwait(false);
            return ApiResult.Ok(new AclList([.. results.Select(r => AclResource.From(r.Binding, r.Created))]));
        });

    [Function("DeleteAcls")]
    [ApiQuery("resourceType", typeof(string), "Filter: resourceType (Kafka's names; omitted matches any)")]
    [ApiQuery("resourceName", typeof(string), "Filter: resourceName (Kafka's names; omitted matches any)")]
    [ApiQuery("patternType", typeof(string), "Filter: patternType (Kafka's names; omitted matches any)")]
    [ApiQuery("principal", typeof(string), "Filter: principal (Kafka's names; omitted matches any)")]
    [ApiQuery("host", typeof(string), "Filter: host (Kafka's names; omitted matches any)")]
    [ApiQuery("operation", typeof(string), "Filter: operation (Kafka's names; omitted matches any)")]
    [ApiQuery("permission", typeof(string), "Filter: permission (Kafka's names; omitted matches any)")]
    [ApiResponse(200, typeof(AclList), "The bindings deleted")]
    public Task<IActionResult> DeleteAcls([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = CollectionRoute)] HttpRequest request, string tenant) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            Authorize(caller, tenant);
            var hasBody = request.ContentLength is > 0 || (request.ContentLength is null && request.ContentType is not null);
            if (hasBody && request.Query.Count > 0)
                throw ApiProblemException.BadRequest("Send the filter either as a body or as query parameters, not both");
            var filter = hasBody ? await ApiRequests.ReadBodyAsync<AclFilterBody>(request, ct).ConfigureAwait(false) : FromQuery(request);
            if (filter.IsEmpty)
            {
                throw ApiProblemException.BadRequest(
                    "Name at least one filter field (" + string.Join(", ", AclFilterBody.Fields) + "); to delete every ACL of the tenant, send resourceType=Any");
            }
            var deleted = await acls.DeleteAsync(tenant, Validated(filter.ToFilter()), ct).ConfigureAwait(false);
            return ApiResult.Ok(new AclList([.. deleted.Select(b => AclResource.From(b))]));
        });

    private static void Authorize(ApiKeyPrincipal caller, string tenant)
    {
        if (TenantNamespace.IdProblem(tenant) is { } problem) throw ApiProblemException.BadRequest(problem);
        ApiRequests.RequireAccess(caller, tenant);
    }

    private static AclBindingFilter Validated(AclBindingFilter filter) =>
        AclAdministration.FilterProblem(filter) is { } problem ? throw ApiProblemException.BadRequest(problem) : filter;

    /// <summary>The filter from the query; an unknown or repeated parameter is refused, as an unknown body field is.</summary>
    private static AclFilterBody FromQuery(HttpRequest request)
    {
        foreach (var (key, values) in request.Query)
        {
            if (!AclFilterBody.Fields.Contains(key, StringComparer.Ordinal))
                throw ApiProblemException.BadRequest($"Unknown query parameter '{key}'; the filter's parameters are {string.Join(", ", AclFilterBody.Fields)}");
            if (values.Count != 1) throw ApiProblemException.BadRequest($"Query parameter '{key}' is given {values.Count} times; give it once");
        }
        string? Value(string name) => request.Query.TryGetValue(name, out var v) ? v.ToString() : null;
        return new AclFilterBody(Value("resourceType"), Value("resourceName"), Value("patternType"), Value("principal"), Value("host"), Value("operation"), Value("permission"));
    }
}

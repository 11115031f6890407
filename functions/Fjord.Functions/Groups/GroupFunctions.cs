using Fjord.ControlPlane.ApiKeys;
using Fjord.ControlPlane.Groups;
using Fjord.Functions.Http;
using Fjord.Functions.OpenApi;
using Fjord.Security.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Fjord.Functions.Groups;

/// <summary>
/// <c>/api/v1/tenants/{tenant}/groups</c>: a tenant's consumer groups under its own ids, active and inactive (a group
/// is listed while it has committed offsets or a group record), and <c>…/groups/{group}/lag</c>: per partition the
/// committed offset, the log end offset (high watermark), lag in records and in seconds (age of the next record to
/// consume), produce and consume rates, and a forecast of when retention will delete records before the group reads
/// them. Read only. Rights: operator keys on any tenant; a tenant-scoped key on its own tenant's groups only.
/// </summary>
/// <remarks>
/// The figures are as fresh as the leaders' published stats (<c>fjord.partition.stats.interval.ms</c>, 5 s by
/// default) and the stored commits; a partition whose leader has not published yet shows null offsets and an
/// <c>unknown</c> forecast. Unknown tenant or group: 404; a malformed id: 400.
/// </remarks>
public sealed class GroupFunctions(ApiRequests api, GroupAdministration groups)
{
    public const string CollectionRoute = "v1/tenants/{tenant}/groups";
    public const string LagRoute = CollectionRoute + "/{group}/lag";

    [Function("ListGroups")]
    [ApiQuery("limit", typeof(int), "Page size, 1 to 1000 (default 100)")]
    [ApiQuery("continuation", typeof(string), "The next of the previous page")]
    [ApiResponse(200, typeof(GroupResourcePage), "A page of the tenant's groups, active and inactive, with their total lag")]
    public Task<IActionResult> ListGroups([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = CollectionRoute)] HttpRequest request, string tenant) =>
        RunAsync(request, tenant, async ct =>
        {
            var limit = Paging.PageSize(request.Query["limit"]);
            var after = Paging.Continuation(request.Query["continuation"], id => GroupAdministration.GroupIdProblem(id) is null);
            var page = await groups.ListAsync(tenant, limit, after, ct).ConfigureAwait(false);
            var next = page.After is null ? null : Paging.NextToken(page.After);
            return ApiResult.Ok(new GroupResourcePage([.. page.Items.Select(GroupSummaryResource.From)], next));
        });

    [Function("GetGroupLag")]
    [ApiResponse(200, typeof(GroupLag), "The group's lag per partition, its totals and the earliest retention forecast")]
    public Task<IActionResult> GetGroupLag([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = LagRoute)] HttpRequest request, string tenant, string group) =>
        RunAsync(request, tenant, async ct => ApiResult.Ok(await groups.LagAsync(tenant, group, ct).ConfigureAwait(false)));

    public static int StatusOf(GroupErrorKind kind) => kind switch
    {
        GroupErrorKind.NotFound => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status400BadRequest,
    };

    /// <summary>The tenant id and the caller's right to it first, then the read; the library's refusals become problem+json.</summary>
    private Task<IActionResult> RunAsync(HttpRequest request, string tenant, Func<CancellationToken, Task<IActionResult>> handle) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            if (TenantNamespace.IdProblem(tenant) is { } problem) throw ApiProblemException.BadRequest(problem);
            ApiRequests.RequireAccess(caller, tenant);
            try
            {
                return await handle(ct).ConfigureAwait(false);
            }
            catch (GroupAdministrationException e)
            {
                throw new ApiProblemException(StatusOf(e.Kind), e.Message);
            }
        });
}

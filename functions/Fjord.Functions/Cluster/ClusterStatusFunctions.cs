using Fjord.ControlPlane.Cluster;
using Fjord.Functions.Http;
using Fjord.Functions.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Fjord.Functions.Cluster;

/// <summary>
/// <c>GET /api/v1/cluster/status</c>: the brokers (listeners, rack, alive or fenced by their lease, what each publishes
/// of itself), the controller and its epoch, partition counts (total, under-replicated, under min ISR, offline), the
/// Blob tier's upload lag, and a verdict (<c>healthy</c>, <c>degraded</c>, <c>unavailable</c>) with its reasons.
/// <c>?detail=partitions</c> adds every unhealthy partition. Operator keys only: it names every tenant's topics as
/// stored (<c>tenant.topic</c>); a tenant key gets 403. It reads tables only, never a broker: always 200 while the
/// tables answer, whatever state the cluster is in (the verdict is in the body).
/// </summary>
public sealed class ClusterStatusFunctions(ApiRequests api, ClusterStatusReader status)
{
    public const string StatusRoute = "v1/cluster/status";
    public const string DetailPartitions = "partitions";

    [Function("GetClusterStatus")]
    [ApiQuery("detail", typeof(string), "'partitions' to list every unhealthy partition")]
    [ApiResponse(200, typeof(ClusterStatusView), "The cluster's status and verdict")]
    public Task<IActionResult> GetClusterStatus([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = StatusRoute)] HttpRequest request) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            ApiRequests.RequireOperator(caller, "read the cluster's status");
            var detail = request.Query["detail"];
            if (detail.Count > 1 || (detail.Count == 1 && detail[0] != DetailPartitions))
                throw ApiProblemException.BadRequest($"detail may only be '{DetailPartitions}' (given '{string.Join(",", detail.ToArray())}'); leave it out for the summary");
            return ApiResult.Ok(await status.GetAsync(detail.Count == 1, ct).ConfigureAwait(false));
        });
}

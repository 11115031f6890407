using Fjord.Broker.Membership;
using Fjord.Broker.Network;
using Fjord.Cluster;
using Fjord.Groups;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers.Groups;

/// <summary>
/// FindCoordinator 0–5 for consumer groups (key type 0), batched keys from v4. A group's coordinator
/// is the leader of its <c>__consumer_offsets</c> partition; COORDINATOR_NOT_AVAILABLE while that
/// partition has no leader (or none the client can reach on its listener), so the client retries.
/// Transaction coordinators (key type 1) are not offered.
/// </summary>
public sealed class FindCoordinatorHandler(MetadataCache metadata, ClusterBrokers brokers, GroupCoordinatorLocator coordinators, ActiveController activeController) : ApiHandler<FindCoordinatorRequest, FindCoordinatorResponse>
{
    private const sbyte GroupKeyType = 0;

    public override ApiKey ApiKey => ApiKey.FindCoordinator;
    public override short MinVersion => 0;
    public override short MaxVersion => 5;

    protected override ValueTask<FindCoordinatorResponse?> HandleAsync(RequestContext request, FindCoordinatorRequest body, CancellationToken ct)
    {
        var response = new FindCoordinatorResponse();
        if (request.ApiVersion < 4)
        {
            var (error, message, coordinator) = Locate(request, body.Key, body.KeyType);
            response.ErrorCode = (short)error;
            response.ErrorMessage = message;
            response.NodeId = coordinator?.NodeId ?? -1;
            response.Host = coordinator?.Host ?? "";
            response.Port = coordinator?.Port ?? -1;
            return ValueTask.FromResult<FindCoordinatorResponse?>(response);
        }
        foreach (var key in body.CoordinatorKeys)
        {
            var (error, message, coordinator) = Locate(request, key, body.KeyType);
            response.Coordinators.Add(new FindCoordinatorResponse.Coordinator
            {
                Key = key,
                ErrorCode = (short)error,
                ErrorMessage = message,
                NodeId = coordinator?.NodeId ?? -1,
                Host = coordinator?.Host ?? "",
                Port = coordinator?.Port ?? -1,
            });
        }
        return ValueTask.FromResult<FindCoordinatorResponse?>(response);
    }

    private (ErrorCode Error, string? Message, ClusterBrokers.Endpoint? Coordinator) Locate(RequestContext request, string key, sbyte keyType)
    {
        if (keyType != GroupKeyType) return (ErrorCode.InvalidRequest, $"Coordinator key type {keyType} is not supported; only consumer groups (0) are", null);
        if (string.IsNullOrEmpty(key)) return (ErrorCode.InvalidRequest, "Group id must not be empty", null);
        var snapshot = metadata.Current;
        var leader = coordinators.CoordinatorOf(key, snapshot);
        var endpoint = leader < 0 ? null : brokers.Find(snapshot, leader, request.Session.Listener);
        if (endpoint is null && snapshot.PartitionStateOf(TopicNames.ConsumerOffsets, coordinators.PartitionFor(key)) is null)
        {
            // As Kafka creates the offsets topic on the first FindCoordinator: ask the controller (if it
            // runs here) to place it now rather than at its next change; the client retries meanwhile.
            activeController.Nudge();
        }
        return endpoint is null
            ? (ErrorCode.CoordinatorNotAvailable, $"The coordinator is not available: partition {coordinators.PartitionFor(key)} of {TopicNames.ConsumerOffsets} has no reachable leader", null)
            : (ErrorCode.None, null, endpoint);
    }
}

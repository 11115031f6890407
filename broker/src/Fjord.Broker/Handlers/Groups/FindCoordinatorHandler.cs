using Fjord.Broker.Membership;
using Fjord.Broker.Network;
using Fjord.Cluster;
using Fjord.Groups;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Transactions;

namespace Fjord.Broker.Handlers.Groups;

/// <summary>
/// FindCoordinator 0–5 for consumer groups (key type 0) and transactional ids (key type 1), batched keys
/// from v4. The coordinator is the leader of the key's partition of <c>__consumer_offsets</c> or
/// <c>__transaction_state</c>; COORDINATOR_NOT_AVAILABLE while that partition has no leader (or none the
/// client can reach on its listener), so the client retries. A group key needs Describe on the group
/// (GROUP_AUTHORIZATION_FAILED), a transactional id Describe on it (TRANSACTIONAL_ID_AUTHORIZATION_FAILED).
/// </summary>
public sealed class FindCoordinatorHandler(MetadataCache metadata, ClusterBrokers brokers, GroupCoordinatorLocator coordinators,
    TransactionCoordinatorLocator transactionCoordinators, ActiveController activeController, IAuthorizer authorizer) : ApiHandler<FindCoordinatorRequest, FindCoordinatorResponse>
{
    private const sbyte GroupKeyType = 0;
    private const sbyte TransactionKeyType = 1;

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
        if (keyType is not (GroupKeyType or TransactionKeyType))
            return (ErrorCode.InvalidRequest, $"Coordinator key type {keyType} is not supported; only consumer groups (0) and transactions (1) are", null);
        if (keyType == GroupKeyType && !authorizer.AuthorizeGroup(request, AclOperation.Describe, key))
            return (ErrorCode.GroupAuthorizationFailed, null, null);
        if (keyType == TransactionKeyType && !authorizer.AuthorizeTransactionalId(request, AclOperation.Describe, key))
            return (ErrorCode.TransactionalIdAuthorizationFailed, null, null);
        if (string.IsNullOrEmpty(key))
            return (ErrorCode.InvalidRequest, keyType == GroupKeyType ? "Group id must not be empty" : "Transactional id must not be empty", null);
        var snapshot = metadata.Current;
        var (topic, partition, leader) = keyType == GroupKeyType
            ? (TopicNames.ConsumerOffsets, coordinators.PartitionFor(key), coordinators.CoordinatorOf(key, snapshot))
            : (TopicNames.TransactionState, transactionCoordinators.PartitionFor(key), transactionCoordinators.CoordinatorOf(key, snapshot));
        var endpoint = leader < 0 ? null : brokers.Find(snapshot, leader, request.Session.Listener);
        if (endpoint is null && snapshot.PartitionStateOf(topic, partition) is null)
        {
            // As Kafka creates its internal topics on the first FindCoordinator: ask the controller (if it
            // runs here) to place them now rather than at its next change; the client retries meanwhile.
            activeController.Nudge();
        }
        return endpoint is null
            ? (ErrorCode.CoordinatorNotAvailable, $"The coordinator is not available: partition {partition} of {topic} has no reachable leader", null)
            : (ErrorCode.None, null, endpoint);
    }
}

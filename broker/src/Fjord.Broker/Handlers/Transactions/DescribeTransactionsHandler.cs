using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Transactions;

namespace Fjord.Broker.Handlers.Transactions;

/// <summary>
/// DescribeTransactions 0: the state of transactional ids this broker coordinates (NOT_COORDINATOR for others).
/// Each id needs Describe (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED, decided before it is looked up), and the
/// answer lists only the topics the principal may Describe, as Kafka's handleDescribeTransactionsRequest.
/// </summary>
public sealed class DescribeTransactionsHandler(TransactionCoordinator coordinator, IAuthorizer authorizer) : ApiHandler<DescribeTransactionsRequest, DescribeTransactionsResponse>
{
    public override ApiKey ApiKey => ApiKey.DescribeTransactions;
    public override short MinVersion => 0;
    public override short MaxVersion => 0;

    protected override ValueTask<DescribeTransactionsResponse?> HandleAsync(RequestContext request, DescribeTransactionsRequest body, CancellationToken ct)
    {
        var response = new DescribeTransactionsResponse();
        foreach (var transactionalId in body.TransactionalIds)
        {
            if (!authorizer.AuthorizeTransactionalId(request, AclOperation.Describe, transactionalId))
            {
                response.TransactionStates.Add(new DescribeTransactionsResponse.TransactionStateData
                {
                    ErrorCode = (short)ErrorCode.TransactionalIdAuthorizationFailed,
                    TransactionalId = transactionalId,
                });
                continue;
            }
            foreach (var description in coordinator.Describe([transactionalId]))
                response.TransactionStates.Add(Describe(request, description));
        }
        return ValueTask.FromResult<DescribeTransactionsResponse?>(response);
    }

    private DescribeTransactionsResponse.TransactionStateData Describe(RequestContext request, TransactionDescription description)
    {
        var state = new DescribeTransactionsResponse.TransactionStateData
        {
            ErrorCode = (short)description.Error,
            TransactionalId = description.TransactionalId,
            TransactionState = description.State,
            TransactionTimeoutMs = description.TransactionTimeoutMs,
            TransactionStartTimeMs = description.TransactionStartTimeMs,
            ProducerId = description.ProducerId,
            ProducerEpoch = description.ProducerEpoch,
        };
        foreach (var topic in description.Partitions.GroupBy(p => p.Topic))
            if (authorizer.AuthorizeTopic(request, AclOperation.Describe, topic.Key))
                state.Topics.Add(new DescribeTransactionsResponse.TopicData { Topic = topic.Key, Partitions = [.. topic.Select(p => p.Partition)] });
        return state;
    }
}

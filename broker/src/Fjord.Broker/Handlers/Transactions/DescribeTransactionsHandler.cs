using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Transactions;

namespace Fjord.Broker.Handlers.Transactions;

/// <summary>DescribeTransactions 0: the state of transactional ids this broker coordinates (NOT_COORDINATOR for others).</summary>
public sealed class DescribeTransactionsHandler(TransactionCoordinator coordinator) : ApiHandler<DescribeTransactionsRequest, DescribeTransactionsResponse>
{
    public override ApiKey ApiKey => ApiKey.DescribeTransactions;
    public override short MinVersion => 0;
    public override short MaxVersion => 0;

    protected override ValueTask<DescribeTransactionsResponse?> HandleAsync(RequestContext request, DescribeTransactionsRequest body, CancellationToken ct)
    {
        var response = new DescribeTransactionsResponse();
        foreach (var description in coordinator.Describe(body.TransactionalIds))
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
                state.Topics.Add(new DescribeTransactionsResponse.TopicData { Topic = topic.Key, Partitions = [.. topic.Select(p => p.Partition)] });
            response.TransactionStates.Add(state);
        }
        return ValueTask.FromResult<DescribeTransactionsResponse?>(response);
    }
}

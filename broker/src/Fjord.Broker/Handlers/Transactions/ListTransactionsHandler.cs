using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Transactions;

namespace Fjord.Broker.Handlers.Transactions;

/// <summary>
/// ListTransactions 0–1: the transactions this broker coordinates (clients ask every broker), filtered by
/// state, producer id and (v1) minimum running time; state filters naming no state come back as unknown.
/// Lists only the transactional ids the principal may Describe (Kafka's handleListTransactionsRequest).
/// </summary>
public sealed class ListTransactionsHandler(TransactionCoordinator coordinator, IAuthorizer authorizer) : ApiHandler<ListTransactionsRequest, ListTransactionsResponse>
{
    private static readonly HashSet<string> KnownStates = new(StringComparer.Ordinal)
    {
        "Empty", "Ongoing", "PrepareCommit", "PrepareAbort", "CompleteCommit", "CompleteAbort", "Dead", "PrepareEpochFence",
    };

    public override ApiKey ApiKey => ApiKey.ListTransactions;
    public override short MinVersion => 0;
    public override short MaxVersion => 1;

    protected override ValueTask<ListTransactionsResponse?> HandleAsync(RequestContext request, ListTransactionsRequest body, CancellationToken ct)
    {
        var known = body.StateFilters.Where(KnownStates.Contains).ToList();
        var response = new ListTransactionsResponse { UnknownStateFilters = [.. body.StateFilters.Where(s => !KnownStates.Contains(s))] };
        // Only unknown states asked for: nothing can match.
        if (body.StateFilters.Count > 0 && known.Count == 0)
            return ValueTask.FromResult<ListTransactionsResponse?>(response);
        var result = coordinator.List(known, body.ProducerIdFilters, request.ApiVersion >= 1 ? body.DurationFilter : -1);
        response.ErrorCode = (short)result.Error;
        foreach (var listing in result.Transactions)
        {
            if (!authorizer.AuthorizeTransactionalId(request, AclOperation.Describe, listing.TransactionalId)) continue;
            response.TransactionStates.Add(new ListTransactionsResponse.TransactionStateData
            {
                TransactionalId = listing.TransactionalId,
                ProducerId = listing.ProducerId,
                TransactionState = listing.State,
            });
        }
        return ValueTask.FromResult<ListTransactionsResponse?>(response);
    }
}

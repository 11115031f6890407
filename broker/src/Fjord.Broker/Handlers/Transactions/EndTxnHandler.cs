using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Transactions;

namespace Fjord.Broker.Handlers.Transactions;

/// <summary>
/// EndTxn 0–5: commits or aborts the open transaction. Answered once the outcome is durable (PrepareCommit
/// or PrepareAbort in Table storage); the markers follow. v5 (KIP-890 part 2) bumps the producer's epoch at
/// every end and answers with the id and epoch to use next. Needs Write on the transactional id.
/// </summary>
public sealed class EndTxnHandler(TransactionCoordinator coordinator, IAuthorizer authorizer) : ApiHandler<EndTxnRequest, EndTxnResponse>
{
    public override ApiKey ApiKey => ApiKey.EndTxn;
    public override short MinVersion => 0;
    public override short MaxVersion => 5;

    protected override async ValueTask<EndTxnResponse?> HandleAsync(RequestContext request, EndTxnRequest body, CancellationToken ct)
    {
        if (!authorizer.AuthorizeTransactionalId(request, AclOperation.Write, body.TransactionalId))
            return new EndTxnResponse { ErrorCode = (short)ErrorCode.TransactionalIdAuthorizationFailed, ProducerId = -1, ProducerEpoch = -1 };
        var result = await coordinator.EndTxnAsync(body.TransactionalId, body.ProducerId, body.ProducerEpoch, body.Committed,
            bumpEpochPerTransaction: request.ApiVersion >= 5, ct);
        return new EndTxnResponse
        {
            ErrorCode = (short)TransactionErrors.ForVersion(result.Error, request.ApiVersion, producerFencedSince: 2, abortableSince: 4),
            ProducerId = result.ProducerId,
            ProducerEpoch = result.ProducerEpoch,
        };
    }
}

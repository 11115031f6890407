using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Transactions;

namespace Fjord.Broker.Handlers.Transactions;

/// <summary>
/// AddOffsetsToTxn 0–4: adds the group's __consumer_offsets partition to the open transaction, before TxnOffsetCommit.
/// Needs Write on the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED), then Read on the group
/// (GROUP_AUTHORIZATION_FAILED), checked in that order as Kafka does.
/// </summary>
public sealed class AddOffsetsToTxnHandler(TransactionCoordinator coordinator, IAuthorizer authorizer) : ApiHandler<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse>
{
    public override ApiKey ApiKey => ApiKey.AddOffsetsToTxn;
    public override short MinVersion => 0;
    public override short MaxVersion => 4;

    protected override async ValueTask<AddOffsetsToTxnResponse?> HandleAsync(RequestContext request, AddOffsetsToTxnRequest body, CancellationToken ct)
    {
        if (!authorizer.AuthorizeTransactionalId(request, AclOperation.Write, body.TransactionalId))
            return new AddOffsetsToTxnResponse { ErrorCode = (short)ErrorCode.TransactionalIdAuthorizationFailed };
        if (!authorizer.AuthorizeGroup(request, AclOperation.Read, body.GroupId))
            return new AddOffsetsToTxnResponse { ErrorCode = (short)ErrorCode.GroupAuthorizationFailed };
        var error = string.IsNullOrEmpty(body.GroupId)
            ? ErrorCode.InvalidGroupId
            : await coordinator.AddOffsetsAsync(body.TransactionalId, body.ProducerId, body.ProducerEpoch, body.GroupId, ct);
        return new AddOffsetsToTxnResponse { ErrorCode = (short)TransactionErrors.ForVersion(error, request.ApiVersion, producerFencedSince: 2, abortableSince: 4) };
    }
}

using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Transactions;

namespace Fjord.Broker.Handlers.Transactions;

/// <summary>AddOffsetsToTxn 0–4: adds the group's __consumer_offsets partition to the open transaction, before TxnOffsetCommit.</summary>
public sealed class AddOffsetsToTxnHandler(TransactionCoordinator coordinator) : ApiHandler<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse>
{
    public override ApiKey ApiKey => ApiKey.AddOffsetsToTxn;
    public override short MinVersion => 0;
    public override short MaxVersion => 4;

    protected override async ValueTask<AddOffsetsToTxnResponse?> HandleAsync(RequestContext request, AddOffsetsToTxnRequest body, CancellationToken ct)
    {
        var error = string.IsNullOrEmpty(body.GroupId)
            ? ErrorCode.InvalidGroupId
            : await coordinator.AddOffsetsAsync(body.TransactionalId, body.ProducerId, body.ProducerEpoch, body.GroupId, ct);
        return new AddOffsetsToTxnResponse { ErrorCode = (short)TransactionErrors.ForVersion(error, request.ApiVersion, producerFencedSince: 2, abortableSince: 4) };
    }
}

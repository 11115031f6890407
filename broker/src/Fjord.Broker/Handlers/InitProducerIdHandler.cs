using Fjord.Broker.Network;
using Fjord.Broker.Producers;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Transactions;

namespace Fjord.Broker.Handlers;

/// <summary>
/// InitProducerId 0–5. Without a transactional id any broker answers (an idempotent producer); with one,
/// only its transaction coordinator does, which fences the id's previous producer by bumping the epoch
/// and aborts a transaction it left open. v3+ carry the producer's current id and epoch (KIP-360), v4
/// and v5 only admit new error codes (PRODUCER_FENCED from v4, INVALID_PRODUCER_EPOCH before it).
/// </summary>
/// <remarks>
/// A null transactional id always gets a fresh producer id with epoch 0, whatever id and epoch a v3+
/// request carries: Kafka's TransactionCoordinator.handleInitProducerId "if the transactional id is
/// null, then always blindly accept the request and return a new producerId from the producerId
/// manager" (InitProducerIdResult(producerIdManager.generateProducerId(), producerEpoch = 0,
/// Errors.NONE)). An idempotent producer bumps its epoch itself (KIP-360) and asks for a new id only
/// when it must.
/// Authorized as Kafka's handleInitProducerIdRequest: a transactional id needs Write on it
/// (TRANSACTIONAL_ID_AUTHORIZATION_FAILED); an idempotent producer needs IdempotentWrite on the cluster or,
/// since KIP-679, Write on any topic (CLUSTER_AUTHORIZATION_FAILED).
/// </remarks>
public sealed class InitProducerIdHandler(ProducerIdManager producerIds, TransactionCoordinator transactions, IAuthorizer authorizer)
    : ApiHandler<InitProducerIdRequest, InitProducerIdResponse>
{
    private const long NoProducerId = -1;
    private const short NoProducerEpoch = -1;

    public override ApiKey ApiKey => ApiKey.InitProducerId;
    public override short MinVersion => 0;
    public override short MaxVersion => 5;

    protected override async ValueTask<InitProducerIdResponse?> HandleAsync(RequestContext request, InitProducerIdRequest body, CancellationToken ct)
    {
        if (body.TransactionalId is { } transactionalId)
        {
            if (!authorizer.AuthorizeTransactionalId(request, AclOperation.Write, transactionalId))
                return Error(ErrorCode.TransactionalIdAuthorizationFailed);
            var expectedId = request.ApiVersion >= 3 ? body.ProducerId : NoProducerId;
            var expectedEpoch = request.ApiVersion >= 3 ? body.ProducerEpoch : NoProducerEpoch;
            var result = await transactions.InitProducerIdAsync(transactionalId, body.TransactionTimeoutMs, expectedId, expectedEpoch, ct);
            var error = result.Error == ErrorCode.ProducerFenced && request.ApiVersion < 4 ? ErrorCode.InvalidProducerEpoch : result.Error;
            return error == ErrorCode.None
                ? new InitProducerIdResponse { ErrorCode = 0, ProducerId = result.ProducerId, ProducerEpoch = result.ProducerEpoch }
                : Error(error);
        }

        if (!authorizer.AuthorizeCluster(request, AclOperation.IdempotentWrite) && !authorizer.AuthorizeAny(request, AclOperation.Write, ResourceType.Topic))
            return Error(ErrorCode.ClusterAuthorizationFailed);
        try
        {
            var producerId = await producerIds.GenerateProducerIdAsync(ct);
            return new InitProducerIdResponse { ErrorCode = (short)ErrorCode.None, ProducerId = producerId, ProducerEpoch = 0 };
        }
        catch (ProducerIdsUnavailableException)
        {
            // Retriable, as in Kafka; the manager has logged the store failure.
            return Error(ErrorCode.CoordinatorLoadInProgress);
        }
    }

    /// <summary>Kafka's initTransactionError: no producer id, no epoch.</summary>
    private static InitProducerIdResponse Error(ErrorCode error) =>
        new() { ErrorCode = (short)error, ProducerId = NoProducerId, ProducerEpoch = NoProducerEpoch };
}

using System.Runtime.CompilerServices;
using Fjord.Broker.Network;
using Fjord.Broker.Producers;
using Fjord.Protocol;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Handlers;

/// <summary>
/// InitProducerId 0–5 for idempotent producers. Any broker answers it (only a transactional id has a
/// coordinator). v3+ carry the producer's current id and epoch, v4 and v5 only admit new error codes,
/// so every version is served the same way.
/// </summary>
/// <remarks>
/// A null transactional id always gets a fresh producer id with epoch 0, whatever id and epoch a v3+
/// request carries: Kafka's TransactionCoordinator.handleInitProducerId "if the transactional id is
/// null, then always blindly accept the request and return a new producerId from the producerId
/// manager" (InitProducerIdResult(producerIdManager.generateProducerId(), producerEpoch = 0,
/// Errors.NONE)). An idempotent producer bumps its epoch itself (KIP-360) and asks for a new id only
/// when it must.
///
/// Transactions are not served yet. A transactional id is refused with INVALID_REQUEST: FindCoordinator
/// already refuses transaction coordinators with it, Kafka answers it to an empty transactional id, and
/// clients treat it as fatal instead of retrying forever (the Java producer fails with "the message was
/// sent to an incompatible broker. See the broker logs", and the log says why, once per connection).
/// TRANSACTIONAL_ID_AUTHORIZATION_FAILED would send operators hunting for ACLs, and retriable codes
/// (COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS) would make the producer spin.
/// </remarks>
public sealed partial class InitProducerIdHandler(ProducerIdManager producerIds, ILogger<InitProducerIdHandler> logger)
    : ApiHandler<InitProducerIdRequest, InitProducerIdResponse>
{
    private const long NoProducerId = -1;
    private const short NoProducerEpoch = -1;

    // Connections already warned about transactions; entries go with their session.
    private readonly ConditionalWeakTable<ClientSession, object> _warned = [];

    public override ApiKey ApiKey => ApiKey.InitProducerId;
    public override short MinVersion => 0;
    public override short MaxVersion => 5;

    protected override async ValueTask<InitProducerIdResponse?> HandleAsync(RequestContext request, InitProducerIdRequest body, CancellationToken ct)
    {
        if (body.TransactionalId is { } transactionalId)
        {
            if (_warned.TryAdd(request.Session, new object()))
                LogTransactionsUnsupported(request.Session.ConnectionId, request.ClientId, transactionalId);
            return Error(ErrorCode.InvalidRequest);
        }

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

    [LoggerMessage(EventId = 3310, Level = LogLevel.Warning,
        Message = "Connection {ConnectionId} (client {ClientId}) asked for transactional id {TransactionalId}: transactions are not supported yet, answering INVALID_REQUEST; idempotent producers (no transactional.id) work")]
    private partial void LogTransactionsUnsupported(long connectionId, string? clientId, string transactionalId);
}

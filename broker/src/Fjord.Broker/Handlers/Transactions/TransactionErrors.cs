using Fjord.Protocol;

namespace Fjord.Broker.Handlers.Transactions;

/// <summary>
/// Error codes older clients do not know, turned into the ones they do (Kafka's per-version rules):
/// PRODUCER_FENCED arrived with v2 of AddPartitionsToTxn/AddOffsetsToTxn/EndTxn and v4 of InitProducerId,
/// TRANSACTION_ABORTABLE with KIP-890's versions; before them the answers were INVALID_PRODUCER_EPOCH and
/// INVALID_TXN_STATE.
/// </summary>
internal static class TransactionErrors
{
    public static ErrorCode ForVersion(ErrorCode error, short version, short producerFencedSince, short abortableSince) => error switch
    {
        ErrorCode.ProducerFenced when version < producerFencedSince => ErrorCode.InvalidProducerEpoch,
        ErrorCode.TransactionAbortable when version < abortableSince => ErrorCode.InvalidTxnState,
        _ => error,
    };
}

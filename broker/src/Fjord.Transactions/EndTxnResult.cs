using Fjord.Protocol;

namespace Fjord.Transactions;

/// <summary>
/// EndTxn's answer. <see cref="ProducerId"/> and <see cref="ProducerEpoch"/> are what the producer uses
/// next (EndTxn v5, KIP-890: the epoch bumped by the transaction's end, or a new id when it was
/// exhausted); older versions send only the error. -1 on an error.
/// </summary>
public readonly record struct EndTxnResult(ErrorCode Error, long ProducerId, short ProducerEpoch)
{
    public static EndTxnResult Failed(ErrorCode error) => new(error, -1, -1);
}

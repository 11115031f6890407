using Fjord.Protocol;

namespace Fjord.Transactions;

/// <summary>
/// InitProducerId's answer: on an error the id and epoch are -1. <see cref="ErrorCode.ProducerFenced"/> is
/// returned whatever the version; requests before v4 know only INVALID_PRODUCER_EPOCH, which the handler sends.
/// </summary>
public readonly record struct InitProducerIdResult(ErrorCode Error, long ProducerId, short ProducerEpoch)
{
    public static InitProducerIdResult Failed(ErrorCode error) => new(error, -1, -1);
}

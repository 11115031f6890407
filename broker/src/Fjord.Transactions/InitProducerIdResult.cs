using Fjord.Protocol;

namespace Fjord.Transactions;

/// <summary>InitProducerId's answer: on an error the id and epoch are -1.</summary>
public readonly record struct InitProducerIdResult(ErrorCode Error, long ProducerId, short ProducerEpoch)
{
    public static InitProducerIdResult Failed(ErrorCode error) => new(error, -1, -1);
}

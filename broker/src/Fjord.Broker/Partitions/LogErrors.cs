using Fjord.Log;
using Fjord.Protocol;

namespace Fjord.Broker.Partitions;

/// <summary>Maps log failures to the Kafka error codes clients act on.</summary>
public static class LogErrors
{
    public static ErrorCode ToErrorCode(Exception exception) => exception switch
    {
        CorruptRecordException => ErrorCode.CorruptMessage,
        InvalidRecordException => ErrorCode.InvalidRecord,
        RecordTooLargeException => ErrorCode.MessageTooLarge,
        UnsupportedMessageFormatException => ErrorCode.UnsupportedForMessageFormat,
        OffsetOutOfRangeException => ErrorCode.OffsetOutOfRange,
        OutOfOrderSequenceException => ErrorCode.OutOfOrderSequenceNumber,
        InvalidProducerEpochException => ErrorCode.InvalidProducerEpoch,
        InvalidTxnStateException => ErrorCode.InvalidTxnState,
        TransactionCoordinatorFencedException => ErrorCode.TransactionCoordinatorFenced,
        // A read below the local log start offset belongs to the remote tier (followers: KIP-405's answer).
        OffsetBelowLocalLogException => ErrorCode.OffsetMovedToTieredStorage,
        // A full or failing disk: the write did not happen and the client may retry elsewhere.
        LogStorageException or IOException or UnauthorizedAccessException => ErrorCode.KafkaStorageError,
        ObjectDisposedException => ErrorCode.NotLeaderOrFollower,
        _ => ErrorCode.UnknownServerError,
    };
}

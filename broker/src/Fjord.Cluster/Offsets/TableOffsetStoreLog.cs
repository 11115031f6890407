using Microsoft.Extensions.Logging;

namespace Fjord.Cluster;

internal static partial class TableOffsetStoreLog
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "Commit of {Count} offsets for group {GroupId} spans {Transactions} transactions; it is atomic per transaction only")]
    public static partial void MultiTransactionCommit(ILogger logger, string groupId, int count, int transactions);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Debug, Message = "A batch delete in group {GroupId} named a row that is already gone; deleting its rows one by one")]
    public static partial void BatchDeleteFellBack(ILogger logger, string groupId);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Group {GroupId} gained rows while its index row was being removed; index row restored")]
    public static partial void GroupIndexRestored(ILogger logger, string groupId);
}

using Microsoft.Extensions.Logging;

namespace Fjord.Cluster;

internal static partial class TableMetadataStoreLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Metadata write {Operation} lost a compare-and-swap on attempt {Attempt}; retrying")]
    public static partial void WriteConflict(ILogger logger, string operation, int attempt);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Metadata listing of {Prefix} saw the version move from {Before} to {After} mid-read; reading again")]
    public static partial void TornRead(ILogger logger, string prefix, long before, long after);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Created cluster id {ClusterId}")]
    public static partial void ClusterIdCreated(ILogger logger, string clusterId);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Broker {NodeId} incarnation {IncarnationId} is fenced; registered incarnation is {RegisteredIncarnationId}")]
    public static partial void BrokerFenced(ILogger logger, int nodeId, Guid incarnationId, Guid? registeredIncarnationId);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Broker {NodeId} took over the controller lease at epoch {Epoch} from broker {PreviousControllerId} ({How})")]
    public static partial void ControllerTakeover(ILogger logger, int nodeId, long epoch, int previousControllerId, string how);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Controller {ControllerId} at epoch {Epoch} is fenced: the controller lease moved on")]
    public static partial void ControllerFenced(ILogger logger, int controllerId, long epoch);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Controller {ControllerId} released the controller lease at epoch {Epoch}")]
    public static partial void ControllerReleased(ILogger logger, int controllerId, long epoch);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Information, Message = "Broker {NodeId} claimed producer ids {FirstProducerId}..{LastProducerId}")]
    public static partial void ProducerIdBlockClaimed(ILogger logger, int nodeId, long firstProducerId, long lastProducerId);
}

using Fjord.Broker.Configuration;
using Fjord.Groups;

namespace Fjord.Broker.Configuration;

/// <summary>Maps the broker's group.* and offsets.* properties onto the group coordinator's settings.</summary>
public static class GroupConfig
{
    public static GroupCoordinatorConfig From(BrokerConfig config) => new()
    {
        GroupInitialRebalanceDelayMs = config.GroupInitialRebalanceDelayMs,
        GroupMinSessionTimeoutMs = config.GroupMinSessionTimeoutMs,
        GroupMaxSessionTimeoutMs = config.GroupMaxSessionTimeoutMs,
        GroupMaxSize = config.GroupMaxSize,
        OffsetsRetentionMinutes = config.OffsetsRetentionMinutes,
        OffsetsRetentionCheckIntervalMs = (int)Math.Min(config.OffsetsRetentionCheckIntervalMs, int.MaxValue),
        OffsetMetadataMaxBytes = config.OffsetMetadataMaxBytes,
    };
}

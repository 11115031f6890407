namespace Fjord.Tiering;

/// <summary>What the broker's data path needs of the remote tier (Kafka's RemoteLogManager as ReplicaManager sees it).</summary>
public interface IRemoteLog
{
    /// <summary>Reads fetches and timestamp lookups below the local log start offset.</summary>
    RemoteLogReader Reader { get; }

    /// <summary>KIP-1005's latest-tiered offset of a partition this broker leads; -1 when none.</summary>
    long HighestTieredOffset(string topic, int partition);
}

using Fjord.Log.Checkpoints;

namespace Fjord.Broker.Membership;

/// <summary>What a broker's log dirs say about the cluster they belong to, read before any log is opened.</summary>
public sealed record LogDirIdentity(string? ClusterId, bool HasUnformattedData, IReadOnlyList<string> LogDirs)
{
    /// <exception cref="Configuration.ConfigException">
    /// The dirs disagree with each other or with <paramref name="nodeId"/>: no metadata store can settle
    /// that, so the broker must not start (Kafka refuses the same way).
    /// </exception>
    public static LogDirIdentity Read(IReadOnlyList<string> logDirs, int nodeId)
    {
        string? clusterId = null;
        string? clusterIdDir = null;
        var unformattedData = false;
        foreach (var dir in logDirs)
        {
            var properties = MetaPropertiesFile.Read(dir);
            if (properties is null)
            {
                // Partition folders without meta.properties: data of a Fjord from before cluster identities.
                unformattedData |= Directory.Exists(dir) && Directory.EnumerateDirectories(dir).Any();
                continue;
            }
            if (properties.NodeId != nodeId)
                throw new Configuration.ConfigException(
                    $"log dir {dir} belongs to node {properties.NodeId} (its {MetaPropertiesFile.FileName}), but this broker is node.id={nodeId}; give each broker its own log.dirs");
            if (clusterId is not null && clusterId != properties.ClusterId)
                throw new Configuration.ConfigException(
                    $"log dirs {clusterIdDir} and {dir} belong to different clusters ({clusterId} and {properties.ClusterId}); a broker's log.dirs must all belong to one cluster");
            clusterId = properties.ClusterId;
            clusterIdDir = dir;
        }
        return new LogDirIdentity(clusterId, unformattedData, logDirs);
    }

    /// <summary>Records <paramref name="clusterId"/> in every dir that has no meta.properties yet.</summary>
    public void Adopt(string clusterId, int nodeId)
    {
        foreach (var dir in LogDirs)
            if (MetaPropertiesFile.Read(dir) is null)
                MetaPropertiesFile.Write(dir, new MetaProperties(clusterId, nodeId));
    }
}

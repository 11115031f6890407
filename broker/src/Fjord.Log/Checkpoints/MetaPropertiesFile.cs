using System.Globalization;

namespace Fjord.Log.Checkpoints;

/// <summary>
/// Kafka's <c>meta.properties</c> in every log directory: the cluster and node the directory's data
/// belongs to (version 1: <c>cluster.id</c>, <c>node.id</c>, <c>directory.id</c>). A broker compares it
/// with the cluster it is about to join, so a wiped or wrong metadata store is noticed before any
/// log is touched rather than taken for a cluster with no topics.
/// </summary>
public static class MetaPropertiesFile
{
    public const string FileName = "meta.properties";

    /// <summary>The directory's identity, or null when it has no meta.properties (a new or pre-identity directory).</summary>
    /// <exception cref="LogStorageException">The file exists but is not a meta.properties Fjord can read.</exception>
    public static MetaProperties? Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(path))
        {
            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                values[line[..equals].Trim()] = line[(equals + 1)..].Trim();
            }
        }

        if (!values.TryGetValue("cluster.id", out var clusterId) || clusterId.Length == 0
            || !values.TryGetValue("node.id", out var nodeText) || !int.TryParse(nodeText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var nodeId))
        {
            throw new LogStorageException($"{path} lacks a cluster.id or node.id; restore it or remove the directory's data");
        }

        return new MetaProperties(clusterId, nodeId, values.GetValueOrDefault("directory.id"));
    }

    public static void Write(string directory, MetaProperties properties)
    {
        Directory.CreateDirectory(directory);
        var directoryId = properties.DirectoryId ?? PartitionMetadataFile.ToKafkaString(Guid.NewGuid());
        CheckpointFile.WriteAtomically(Path.Combine(directory, FileName), string.Create(CultureInfo.InvariantCulture,
            $"#\n#Written by Fjord; do not edit. The data in this directory belongs to this cluster and node.\ncluster.id={properties.ClusterId}\ndirectory.id={directoryId}\nnode.id={properties.NodeId}\nversion=1\n"));
    }
}

/// <summary>What a log directory's meta.properties says it belongs to.</summary>
public sealed record MetaProperties(string ClusterId, int NodeId, string? DirectoryId = null);

using System.Globalization;
using System.Text;

namespace Fjord.Log.Checkpoints;

/// <summary>
/// Kafka's per-data-dir offset checkpoints (recovery-point-offset-checkpoint,
/// log-start-offset-checkpoint): "0" version line, entry count, then "topic partition offset" lines.
/// </summary>
public static class OffsetCheckpointFile
{
    public const string RecoveryPointFileName = "recovery-point-offset-checkpoint";
    public const string LogStartOffsetFileName = "log-start-offset-checkpoint";

    public static void Write(string path, IEnumerable<(string Topic, int Partition, long Offset)> entries)
    {
        var list = entries.ToList();
        var text = new StringBuilder();
        text.Append("0\n").Append(list.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var (topic, partition, offset) in list)
        {
            text.Append(topic).Append(' ')
                .Append(partition.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(offset.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        CheckpointFile.WriteAtomically(path, text.ToString());
    }

    /// <summary>Reads a checkpoint; a missing file is empty, a malformed one throws.</summary>
    public static Dictionary<(string Topic, int Partition), long> Read(string path)
    {
        var result = new Dictionary<(string, int), long>();
        if (!File.Exists(path))
        {
            return result;
        }

        var lines = File.ReadAllLines(path);
        if (lines.Length < 2 || lines[0].Trim() != "0" || !int.TryParse(lines[1], CultureInfo.InvariantCulture, out var count) || lines.Length < 2 + count)
        {
            throw new LogStorageException($"malformed checkpoint file {path}");
        }

        for (var i = 0; i < count; i++)
        {
            var parts = lines[2 + i].Split(' ');
            if (parts.Length != 3
                || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var partition)
                || !long.TryParse(parts[2], CultureInfo.InvariantCulture, out var offset))
            {
                throw new LogStorageException($"malformed line {i + 3} of checkpoint file {path}");
            }

            result[(parts[0], partition)] = offset;
        }

        return result;
    }
}

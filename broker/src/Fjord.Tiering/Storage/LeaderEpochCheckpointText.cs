using System.Globalization;
using System.Text;
using Fjord.Log.Checkpoints;

namespace Fjord.Tiering;

/// <summary>
/// A segment's leader epochs as Kafka's leader-epoch-checkpoint text (the format Fjord.Log's
/// LeaderEpochCheckpoint reads): version line "0", the entry count, then "epoch startOffset" lines,
/// each ending in '\n'. Kafka uploads exactly this as the segment's LEADER_EPOCH index.
/// </summary>
internal static class LeaderEpochCheckpointText
{
    private const char Version = '0';

    public static string Format(IReadOnlyList<EpochEntry> entries)
    {
        var text = new StringBuilder();
        text.Append(Version).Append('\n').Append(entries.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var entry in entries)
        {
            text.Append(entry.Epoch.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(entry.StartOffset.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return text.ToString();
    }

    public static byte[] ToBytes(IReadOnlyList<EpochEntry> entries) => Encoding.ASCII.GetBytes(Format(entries));
}

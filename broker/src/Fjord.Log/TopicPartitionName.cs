using System.Globalization;

namespace Fjord.Log;

/// <summary>Kafka's <c>&lt;topic&gt;-&lt;partition&gt;</c> directory naming. Topic names may contain '-', so the split is at the last one.</summary>
public static class TopicPartitionName
{
    public static string Format(string topic, int partition) => topic + "-" + partition.ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string directoryName, out string topic, out int partition)
    {
        topic = string.Empty;
        partition = -1;
        var dash = directoryName.LastIndexOf('-');
        if (dash <= 0 || dash == directoryName.Length - 1)
        {
            return false;
        }

        if (!int.TryParse(directoryName.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out partition))
        {
            return false;
        }

        topic = directoryName[..dash];
        return true;
    }
}

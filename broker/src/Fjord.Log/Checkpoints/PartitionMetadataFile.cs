namespace Fjord.Log.Checkpoints;

/// <summary>
/// Kafka's partition.metadata: "version: 0" and "topic_id: &lt;id&gt;", the id printed as Kafka's
/// Uuid.toString does (URL-safe base64 of the 16 big-endian bytes, no padding). It lets a broker
/// tell a log of a deleted topic from the log of a re-created topic with the same name.
/// </summary>
public static class PartitionMetadataFile
{
    public const string FileName = "partition.metadata";

    public static void Write(string directory, Guid topicId) =>
        CheckpointFile.WriteAtomically(Path.Combine(directory, FileName), $"version: 0\ntopic_id: {ToKafkaString(topicId)}\n");

    /// <summary>The stored topic id, or null when the file is absent or unreadable.</summary>
    public static Guid? Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (var line in File.ReadAllLines(path))
        {
            if (line.StartsWith("topic_id:", StringComparison.Ordinal)
                && TryParseKafkaString(line["topic_id:".Length..].Trim(), out var id))
            {
                return id;
            }
        }

        return null;
    }

    public static string ToKafkaString(Guid id) =>
        Convert.ToBase64String(id.ToByteArray(bigEndian: true)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryParseKafkaString(string text, out Guid id)
    {
        id = Guid.Empty;
        if (text.Length != 22)
        {
            return false;
        }

        var base64 = text.Replace('-', '+').Replace('_', '/') + "==";
        var bytes = new byte[16];
        if (!Convert.TryFromBase64String(base64, bytes, out var written) || written != 16)
        {
            return false;
        }

        id = new Guid(bytes, bigEndian: true);
        return true;
    }
}

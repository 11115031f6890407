namespace Fjord.Log.Checkpoints;

/// <summary>
/// Kafka's CheckpointFile discipline: write <c>name.tmp</c>, fsync, then atomically rename over the
/// old file, so a crash leaves either the old or the new checkpoint, never a torn one.
/// </summary>
internal static class CheckpointFile
{
    public static void WriteAtomically(string path, string content)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using var writer = new StreamWriter(stream) { NewLine = "\n" };
            writer.Write(content);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}

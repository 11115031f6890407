namespace Fjord.Tiering;

/// <summary>Reads the producer snapshot uploaded with a segment, for a replica rebuilt from the tier.</summary>
public static class RemoteProducerSnapshot
{
    /// <summary>The snapshot's bytes, or null when the segment was uploaded without one (before snapshots were uploaded).</summary>
    public static async Task<byte[]?> ReadAsync(IRemoteStorage storage, RemoteSegmentMetadata segment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(storage);
        long length;
        try
        {
            length = await storage.GetLengthAsync(segment, RemoteFileType.ProducerSnapshot, ct).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        var bytes = new byte[length];
        var read = 0;
        while (read < bytes.Length)
        {
            var n = await storage.ReadAsync(segment, RemoteFileType.ProducerSnapshot, read, bytes.AsMemory(read), ct).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        // A short read leaves a snapshot that fails its CRC; the log then rebuilds without it.
        return bytes;
    }
}

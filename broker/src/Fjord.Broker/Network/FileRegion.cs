using System.Buffers;

namespace Fjord.Broker.Network;

/// <summary>Copies a file region to a writer through one pooled buffer: the path for bytes that must pass through user space.</summary>
internal static class FileRegion
{
    /// <summary>Large enough to keep a TLS record stream full, small enough not to hold a whole fetch response.</summary>
    internal const int ChunkBytes = 1024 * 1024;

    private static long _bytesCopied;

    /// <summary>File bytes this process has read into user space to send them (0 while every send is a sendfile).</summary>
    internal static long BytesCopied => Interlocked.Read(ref _bytesCopied);

    public static async ValueTask CopyAsync(FileStream file, long offset, int count, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write,
        CancellationToken ct)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(Math.Min(count, ChunkBytes));
        try
        {
            while (count > 0)
            {
                // Positional reads: the segment's FileStream may serve other fetches at the same time.
                var read = await RandomAccess.ReadAsync(file.SafeFileHandle, chunk.AsMemory(0, Math.Min(count, chunk.Length)), offset, ct);
                if (read == 0) throw new IOException($"file region ends {count} bytes early at {offset} in {file.Name}");
                Interlocked.Add(ref _bytesCopied, read);
                await write(chunk.AsMemory(0, read), ct);
                offset += read;
                count -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    public static void Validate(FileStream file, long offset, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (offset + count > file.Length)
            throw new IOException($"file region {offset}+{count} runs past the end of {file.Name} ({file.Length} bytes)");
    }
}

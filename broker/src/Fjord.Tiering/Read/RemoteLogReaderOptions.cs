namespace Fjord.Tiering;

/// <summary>Sizes of the remote reader's caches.</summary>
public sealed record RemoteLogReaderOptions
{
    /// <summary>The unit of ranged reads from a segment blob and of the chunk cache.</summary>
    public int ChunkSize { get; init; } = 1024 * 1024;

    /// <summary>Upper bound on the bytes of segment chunks kept in memory.</summary>
    public long ChunkCacheBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>How many segments' offset and time indexes are kept (Kafka's remote index cache), and as many transaction indexes.</summary>
    public int IndexCacheSegments { get; init; } = 1024;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ChunkSize, 64, nameof(ChunkSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(ChunkCacheBytes, ChunkSize, nameof(ChunkCacheBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(IndexCacheSegments, 1, nameof(IndexCacheSegments));
    }
}

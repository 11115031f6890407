using Microsoft.Extensions.Logging;

namespace Fjord.Tiering;

/// <summary>
/// Fixed-size chunks of segment blobs, kept LRU up to a byte budget, so a sequential consumer
/// downloads each chunk once and a small fetch never downloads a whole segment. Concurrent readers
/// of a chunk share one download; a read into the second half of a chunk starts downloading the
/// next one (read-ahead), so a sequential consumer rarely waits on Blob storage.
/// Segment ids are fresh for every upload, so a cached chunk can never go stale.
/// </summary>
internal sealed class RemoteChunkCache
{
    private readonly IRemoteStorage _storage;
    private readonly ILogger _logger;
    private readonly int _chunkSize;
    private readonly object _lock = new();
    private readonly LruCache<ChunkKey, byte[]> _chunks;
    private readonly Dictionary<ChunkKey, Task<byte[]>> _loading = [];

    public RemoteChunkCache(IRemoteStorage storage, int chunkSize, long capacityBytes, ILogger logger)
    {
        _storage = storage;
        _chunkSize = chunkSize;
        _logger = logger;
        _chunks = new LruCache<ChunkKey, byte[]>(capacityBytes, chunk => chunk.Length);
    }

    public int ChunkSize => _chunkSize;

    /// <summary>Bytes of chunks held now (for tests and metrics).</summary>
    public long CachedBytes
    {
        get
        {
            lock (_lock)
                return _chunks.Weight;
        }
    }

    /// <summary>
    /// Copies segment bytes at <paramref name="position"/> into <paramref name="destination"/>; returns
    /// the count, short only at the end of the segment.
    /// </summary>
    public async Task<int> CopyAsync(RemoteSegmentMetadata segment, long position, Memory<byte> destination, CancellationToken ct)
    {
        var copied = 0;
        while (copied < destination.Length && position < segment.SizeInBytes)
        {
            var index = position / _chunkSize;
            var chunk = await GetAsync(segment, index, ct).ConfigureAwait(false);
            var inChunk = (int)(position - (index * _chunkSize));
            var count = Math.Min(chunk.Length - inChunk, destination.Length - copied);
            if (count <= 0)
                break; // the blob is shorter than the manifest says: its end is the segment's end
            chunk.AsSpan(inChunk, count).CopyTo(destination.Span[copied..]);
            copied += count;
            position += count;
            if (inChunk + count > _chunkSize / 2)
                ReadAhead(segment, index + 1);
        }

        return copied;
    }

    private Task<byte[]> GetAsync(RemoteSegmentMetadata segment, long index, CancellationToken ct)
    {
        var key = new ChunkKey(segment.SegmentId, index);
        Task<byte[]> load;
        lock (_lock)
        {
            if (_chunks.TryGet(key, out var cached))
                return Task.FromResult(cached);
            if (!_loading.TryGetValue(key, out load!))
            {
                // The download is shared, so one reader giving up must not cancel it for the others.
                load = LoadAsync(segment, key);
                _loading[key] = load;
            }
        }

        return load.WaitAsync(ct);
    }

    private void ReadAhead(RemoteSegmentMetadata segment, long index)
    {
        if (index * _chunkSize >= segment.SizeInBytes)
            return;
        var key = new ChunkKey(segment.SegmentId, index);
        Task<byte[]> load;
        lock (_lock)
        {
            if (_chunks.Contains(key) || _loading.ContainsKey(key))
                return;
            load = LoadAsync(segment, key);
            _loading[key] = load;
        }

        // Nobody awaits a read-ahead; its failure only means the next reader downloads the chunk itself.
        _ = load.ContinueWith(
            t => RemoteLogReaderLog.ReadAheadFailed(_logger, segment.SegmentId, index, t.Exception!.GetBaseException()),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task<byte[]> LoadAsync(RemoteSegmentMetadata segment, ChunkKey key)
    {
        // Always asynchronous: the caller registers this task under its lock before it may complete.
        await Task.Yield();
        try
        {
            var start = key.Index * _chunkSize;
            var buffer = new byte[(int)Math.Min(_chunkSize, segment.SizeInBytes - start)];
            var filled = 0;
            while (filled < buffer.Length)
            {
                var read = await _storage.ReadAsync(segment, RemoteFileType.Segment, start + filled, buffer.AsMemory(filled), CancellationToken.None).ConfigureAwait(false);
                if (read == 0)
                    break;
                filled += read;
            }

            var chunk = filled == buffer.Length ? buffer : buffer[..filled];
            lock (_lock)
            {
                _loading.Remove(key);
                _chunks.Add(key, chunk);
            }

            return chunk;
        }
        catch
        {
            lock (_lock)
                _loading.Remove(key);
            throw;
        }
    }

    private readonly record struct ChunkKey(Guid SegmentId, long Index);
}

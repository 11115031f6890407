namespace Fjord.Tiering;

/// <summary>
/// The offset and time indexes of remote segments, each downloaded once and kept LRU by count
/// (Kafka's RemoteIndexCache). Concurrent lookups of one index share its download.
/// </summary>
internal sealed class RemoteIndexCache(IRemoteStorage storage, int capacity)
{
    // Index files are small (10 MiB at most with Kafka's defaults); most fit in one read.
    private const int FirstReadSize = 64 * 1024;

    private readonly object _lock = new();
    private readonly LruCache<IndexKey, RemoteSegmentIndex> _indexes = new(capacity, _ => 1);
    private readonly Dictionary<IndexKey, Task<RemoteSegmentIndex>> _loading = [];

    public Task<RemoteSegmentIndex> GetAsync(RemoteSegmentMetadata segment, RemoteFileType file, CancellationToken ct)
    {
        var key = new IndexKey(segment.SegmentId, file);
        Task<RemoteSegmentIndex> load;
        lock (_lock)
        {
            if (_indexes.TryGet(key, out var cached))
                return Task.FromResult(cached);
            if (!_loading.TryGetValue(key, out load!))
            {
                load = LoadAsync(segment, key);
                _loading[key] = load;
            }
        }

        return load.WaitAsync(ct);
    }

    private async Task<RemoteSegmentIndex> LoadAsync(RemoteSegmentMetadata segment, IndexKey key)
    {
        // Always asynchronous: the caller registers this task under its lock before it may complete.
        await Task.Yield();
        try
        {
            var bytes = await DownloadAsync(segment, key.File).ConfigureAwait(false);
            var index = key.File == RemoteFileType.OffsetIndex
                ? RemoteSegmentIndex.ParseOffsetIndex(bytes, segment)
                : RemoteSegmentIndex.ParseTimeIndex(bytes, segment);
            lock (_lock)
            {
                _loading.Remove(key);
                _indexes.Add(key, index);
            }

            return index;
        }
        catch
        {
            lock (_lock)
                _loading.Remove(key);
            throw;
        }
    }

    // Reads until a short read: both storages fill a ranged read unless the file ends first, so
    // this costs one request for a typical index instead of a length request plus a read.
    private async Task<byte[]> DownloadAsync(RemoteSegmentMetadata segment, RemoteFileType file)
    {
        var buffer = new byte[FirstReadSize];
        var filled = 0;
        while (true)
        {
            var read = await storage.ReadAsync(segment, file, filled, buffer.AsMemory(filled), CancellationToken.None).ConfigureAwait(false);
            filled += read;
            if (filled < buffer.Length)
                return buffer[..filled];
            Array.Resize(ref buffer, buffer.Length * 2);
        }
    }

    private readonly record struct IndexKey(Guid SegmentId, RemoteFileType File);
}

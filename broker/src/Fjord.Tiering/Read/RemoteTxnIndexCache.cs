using Fjord.Log;

namespace Fjord.Tiering;

/// <summary>
/// The transaction indexes of remote segments, each downloaded once and kept LRU by count (the
/// txnindex part of Kafka's RemoteIndexCache). A segment uploaded without one (no aborts, or uploaded
/// before .txnindex files travelled) is cached as empty, so it costs one request per eviction, not
/// one per fetch. Concurrent lookups of one segment share its download.
/// </summary>
internal sealed class RemoteTxnIndexCache(IRemoteStorage storage, int capacity)
{
    // Entries are 34 bytes: a segment would need hundreds of aborts to pass one read.
    private const int FirstReadSize = 16 * 1024;

    private readonly object _lock = new();
    private readonly LruCache<Guid, AbortedTxn[]> _indexes = new(capacity, _ => 1);
    private readonly Dictionary<Guid, Task<AbortedTxn[]>> _loading = [];

    public Task<AbortedTxn[]> GetAsync(RemoteSegmentMetadata segment, CancellationToken ct)
    {
        Task<AbortedTxn[]> load;
        lock (_lock)
        {
            if (_indexes.TryGet(segment.SegmentId, out var cached))
                return Task.FromResult(cached);
            if (!_loading.TryGetValue(segment.SegmentId, out load!))
            {
                load = LoadAsync(segment);
                _loading[segment.SegmentId] = load;
            }
        }

        return load.WaitAsync(ct);
    }

    private async Task<AbortedTxn[]> LoadAsync(RemoteSegmentMetadata segment)
    {
        // Always asynchronous: the caller registers this task under its lock before it may complete.
        await Task.Yield();
        try
        {
            var entries = await DownloadAsync(segment).ConfigureAwait(false);
            lock (_lock)
            {
                _loading.Remove(segment.SegmentId);
                _indexes.Add(segment.SegmentId, entries);
            }

            return entries;
        }
        catch
        {
            lock (_lock)
                _loading.Remove(segment.SegmentId);
            throw;
        }
    }

    private async Task<AbortedTxn[]> DownloadAsync(RemoteSegmentMetadata segment)
    {
        var buffer = new byte[FirstReadSize];
        var filled = 0;
        try
        {
            while (true)
            {
                var read = await storage.ReadAsync(segment, RemoteFileType.TransactionIndex, filled, buffer.AsMemory(filled), CancellationToken.None).ConfigureAwait(false);
                filled += read;
                if (filled < buffer.Length)
                    break;
                Array.Resize(ref buffer, buffer.Length * 2);
            }
        }
        catch (FileNotFoundException)
        {
            return [];
        }

        // A torn trailing entry cannot be in an uploaded index (only closed segments are uploaded);
        // ReadAll ignores one anyway, and an unknown entry version is a corrupt upload.
        return AbortedTxn.ReadAll(buffer.AsSpan(0, filled));
    }
}

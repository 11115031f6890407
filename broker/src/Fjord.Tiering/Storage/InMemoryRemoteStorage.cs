using System.Collections.Concurrent;

namespace Fjord.Tiering;

/// <summary>
/// Remote storage in process memory, for unit tests: the same blob names and the same answers as
/// <see cref="BlobRemoteStorage"/>. It reads whole files into memory, which only a fake may do.
/// </summary>
public sealed class InMemoryRemoteStorage : IRemoteStorage
{
    private readonly ConcurrentDictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);

    /// <summary>How many blobs are stored (tests check that deletes leave nothing behind).</summary>
    public int BlobCount => _blobs.Count;

    public async Task UploadAsync(RemoteSegmentMetadata segment, LocalSegmentFiles files, CancellationToken ct)
    {
        RemoteStorageValidation.ValidateSegment(segment);
        RemoteStorageValidation.ValidateFiles(files);
        // Read everything before storing anything, so a missing local file fails the upload as a whole.
        var log = await File.ReadAllBytesAsync(files.LogFile, ct).ConfigureAwait(false);
        var offsetIndex = await File.ReadAllBytesAsync(files.OffsetIndexFile, ct).ConfigureAwait(false);
        var timeIndex = await File.ReadAllBytesAsync(files.TimeIndexFile, ct).ConfigureAwait(false);
        _blobs[RemoteBlobNames.Name(segment, RemoteFileType.OffsetIndex)] = offsetIndex;
        _blobs[RemoteBlobNames.Name(segment, RemoteFileType.TimeIndex)] = timeIndex;
        _blobs[RemoteBlobNames.Name(segment, RemoteFileType.LeaderEpochCheckpoint)] = LeaderEpochCheckpointText.ToBytes(files.LeaderEpochs);
        if (files.ProducerSnapshotFile is { } snapshot && File.Exists(snapshot))
            _blobs[RemoteBlobNames.Name(segment, RemoteFileType.ProducerSnapshot)] = await File.ReadAllBytesAsync(snapshot, ct).ConfigureAwait(false);
        if (files.TransactionIndexFile is { } txnIndex && File.Exists(txnIndex))
            _blobs[RemoteBlobNames.Name(segment, RemoteFileType.TransactionIndex)] = await File.ReadAllBytesAsync(txnIndex, ct).ConfigureAwait(false);
        _blobs[RemoteBlobNames.Name(segment, RemoteFileType.Segment)] = log;
    }

    public Task<int> ReadAsync(RemoteSegmentMetadata segment, RemoteFileType file, long position, Memory<byte> destination, CancellationToken ct)
    {
        RemoteStorageValidation.ValidateRead(segment, file, position);
        ct.ThrowIfCancellationRequested();
        var name = RemoteBlobNames.Name(segment, file);
        if (!_blobs.TryGetValue(name, out var content))
            throw RemoteStorageValidation.Missing(name);
        if (position >= content.Length)
            return Task.FromResult(0);
        var count = (int)Math.Min(destination.Length, content.Length - position);
        content.AsSpan((int)position, count).CopyTo(destination.Span);
        return Task.FromResult(count);
    }

    public Task<long> GetLengthAsync(RemoteSegmentMetadata segment, RemoteFileType file, CancellationToken ct)
    {
        RemoteStorageValidation.ValidateRead(segment, file, 0);
        ct.ThrowIfCancellationRequested();
        var name = RemoteBlobNames.Name(segment, file);
        return _blobs.TryGetValue(name, out var content) ? Task.FromResult((long)content.Length) : throw RemoteStorageValidation.Missing(name);
    }

    public Task DeleteAsync(RemoteSegmentMetadata segment, CancellationToken ct)
    {
        RemoteStorageValidation.ValidateDelete(segment);
        ct.ThrowIfCancellationRequested();
        if (segment.BaseOffset >= 0)
        {
            foreach (var file in Enum.GetValues<RemoteFileType>())
                _blobs.TryRemove(RemoteBlobNames.Name(segment, file), out _);
            return Task.CompletedTask;
        }

        // An orphan named by id alone: its names hold a base offset nobody knows, so match by id.
        var prefix = RemoteBlobNames.PartitionPrefix(segment.TopicId, segment.Partition);
        foreach (var name in _blobs.Keys)
        {
            if (RemoteBlobNames.TryParseSegmentId(name, prefix, out var id) && id == segment.SegmentId)
                _blobs.TryRemove(name, out _);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Guid>> ListSegmentIdsAsync(Guid topicId, int partition, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ct.ThrowIfCancellationRequested();
        var prefix = RemoteBlobNames.PartitionPrefix(topicId, partition);
        // Blob listings come back in name order (so base-offset order); the fake answers the same way.
        var names = _blobs.Keys.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        var ids = new List<Guid>();
        foreach (var name in names)
        {
            if (RemoteBlobNames.TryParseSegmentId(name, prefix, out var id) && !ids.Contains(id))
                ids.Add(id);
        }

        return Task.FromResult<IReadOnlyList<Guid>>(ids);
    }
}

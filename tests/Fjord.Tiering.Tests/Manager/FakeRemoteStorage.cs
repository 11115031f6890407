namespace Fjord.Tiering.Tests.Manager;

/// <summary>
/// An in-memory blob store that records which files of which segment exist. <see cref="IsDown"/>
/// fails every call (an outage); fault points: "storage.upload" (before any file),
/// "storage.upload.partial" (after the segment file, before the indexes), "storage.delete",
/// "storage.delete.partial" (after the first file is gone).
/// </summary>
public sealed class FakeRemoteStorage : IRemoteStorage
{
    private readonly Dictionary<(Guid TopicId, int Partition, Guid SegmentId), HashSet<RemoteFileType>> _files = [];

    public FaultPlan Faults { get; } = new();

    public bool IsDown { get; set; }

    public int Uploads { get; private set; }

    /// <summary>Segment id → the files stored for it.</summary>
    public IReadOnlyDictionary<Guid, IReadOnlySet<RemoteFileType>> Files
    {
        get
        {
            lock (_files)
            {
                return _files.ToDictionary(kv => kv.Key.SegmentId, kv => (IReadOnlySet<RemoteFileType>)new HashSet<RemoteFileType>(kv.Value));
            }
        }
    }

    public Task UploadAsync(RemoteSegmentMetadata segment, LocalSegmentFiles files, CancellationToken ct)
    {
        ThrowIfDown();
        Faults.Hit("storage.upload");
        Uploads++;
        Put(segment, RemoteFileType.Segment);
        Faults.Hit("storage.upload.partial");
        Put(segment, RemoteFileType.OffsetIndex);
        Put(segment, RemoteFileType.TimeIndex);
        Put(segment, RemoteFileType.LeaderEpochCheckpoint);
        if (files.ProducerSnapshotFile is not null)
            Put(segment, RemoteFileType.ProducerSnapshot);
        if (files.TransactionIndexFile is { } txnIndex && File.Exists(txnIndex))
            Put(segment, RemoteFileType.TransactionIndex);
        return Task.CompletedTask;
    }

    /// <summary>Stores a file with no manifest entry behind it, as a crashed upload whose entry is gone would leave.</summary>
    public void Put(RemoteSegmentMetadata segment, RemoteFileType file)
    {
        lock (_files)
        {
            var key = (segment.TopicId, segment.Partition, segment.SegmentId);
            if (!_files.TryGetValue(key, out var set))
            {
                _files[key] = set = [];
            }

            set.Add(file);
        }
    }

    public Task<int> ReadAsync(RemoteSegmentMetadata segment, RemoteFileType file, long position, Memory<byte> destination, CancellationToken ct) =>
        throw new NotSupportedException("the manager never reads");

    public Task<long> GetLengthAsync(RemoteSegmentMetadata segment, RemoteFileType file, CancellationToken ct) =>
        throw new NotSupportedException("the manager never reads");

    public Task DeleteAsync(RemoteSegmentMetadata segment, CancellationToken ct)
    {
        ThrowIfDown();
        Faults.Hit("storage.delete");
        lock (_files)
        {
            var key = (segment.TopicId, segment.Partition, segment.SegmentId);
            if (_files.TryGetValue(key, out var set) && set.Count > 0)
            {
                set.Remove(set.Min());
            }
        }

        Faults.Hit("storage.delete.partial");
        lock (_files)
        {
            _files.Remove((segment.TopicId, segment.Partition, segment.SegmentId));
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Guid>> ListSegmentIdsAsync(Guid topicId, int partition, CancellationToken ct)
    {
        ThrowIfDown();
        lock (_files)
        {
            return Task.FromResult<IReadOnlyList<Guid>>([.. _files.Keys.Where(k => k.TopicId == topicId && k.Partition == partition).Select(k => k.SegmentId)]);
        }
    }

    private void ThrowIfDown()
    {
        if (IsDown)
        {
            throw new IOException("blob storage is unreachable");
        }
    }
}

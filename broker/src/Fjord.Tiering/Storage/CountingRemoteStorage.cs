namespace Fjord.Tiering;

/// <summary>
/// Counts the calls made to another <see cref="IRemoteStorage"/> and the bytes they moved, so a
/// benchmark can report remote operations per GB tiered or fetched. Calls are counted when made,
/// failed ones included: a failed request is still a billed request. For the HTTP requests the
/// Blob SDK actually sends (blocks, retries), see <see cref="BlobRequestCounter"/>.
/// </summary>
public sealed class CountingRemoteStorage(IRemoteStorage inner) : IRemoteStorage
{
    private readonly IRemoteStorage _inner = inner ?? throw new ArgumentNullException(nameof(inner));
    private long _uploads;
    private long _uploadedBytes;
    private long _reads;
    private long _readBytes;
    private long _lengthRequests;
    private long _deletes;
    private long _lists;

    public long Uploads => Interlocked.Read(ref _uploads);

    /// <summary>Bytes of the local segment, offset index and time index files of the successful uploads.</summary>
    public long UploadedBytes => Interlocked.Read(ref _uploadedBytes);

    public long Reads => Interlocked.Read(ref _reads);

    public long ReadBytes => Interlocked.Read(ref _readBytes);

    public long LengthRequests => Interlocked.Read(ref _lengthRequests);

    public long Deletes => Interlocked.Read(ref _deletes);

    public long Lists => Interlocked.Read(ref _lists);

    public void Reset()
    {
        Interlocked.Exchange(ref _uploads, 0);
        Interlocked.Exchange(ref _uploadedBytes, 0);
        Interlocked.Exchange(ref _reads, 0);
        Interlocked.Exchange(ref _readBytes, 0);
        Interlocked.Exchange(ref _lengthRequests, 0);
        Interlocked.Exchange(ref _deletes, 0);
        Interlocked.Exchange(ref _lists, 0);
    }

    public async Task UploadAsync(RemoteSegmentMetadata segment, LocalSegmentFiles files, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(files);
        Interlocked.Increment(ref _uploads);
        // Sized before the upload: local retention may delete the files as soon as they are tiered.
        var bytes = SizeOf(files.LogFile) + SizeOf(files.OffsetIndexFile) + SizeOf(files.TimeIndexFile);
        await _inner.UploadAsync(segment, files, ct).ConfigureAwait(false);
        Interlocked.Add(ref _uploadedBytes, bytes);
    }

    // A missing file is the inner storage's error to report, not this counter's.
    private static long SizeOf(string? path)
    {
        var file = string.IsNullOrEmpty(path) ? null : new FileInfo(path);
        return file is { Exists: true } ? file.Length : 0;
    }

    public async Task<int> ReadAsync(RemoteSegmentMetadata segment, RemoteFileType file, long position, Memory<byte> destination, CancellationToken ct)
    {
        Interlocked.Increment(ref _reads);
        var read = await _inner.ReadAsync(segment, file, position, destination, ct).ConfigureAwait(false);
        Interlocked.Add(ref _readBytes, read);
        return read;
    }

    public Task<long> GetLengthAsync(RemoteSegmentMetadata segment, RemoteFileType file, CancellationToken ct)
    {
        Interlocked.Increment(ref _lengthRequests);
        return _inner.GetLengthAsync(segment, file, ct);
    }

    public Task DeleteAsync(RemoteSegmentMetadata segment, CancellationToken ct)
    {
        Interlocked.Increment(ref _deletes);
        return _inner.DeleteAsync(segment, ct);
    }

    public Task<IReadOnlyList<Guid>> ListSegmentIdsAsync(Guid topicId, int partition, CancellationToken ct)
    {
        Interlocked.Increment(ref _lists);
        return _inner.ListSegmentIdsAsync(topicId, partition, ct);
    }
}

namespace Fjord.Tiering;

/// <summary>
/// Where segment files live once tiered (Kafka's RemoteStorageManager): Azure Blob storage, one
/// blob per file under a prefix named by topic id, partition and segment id. Uploads and deletes
/// are idempotent; reads are ranged so a small fetch never downloads a whole segment.
/// </summary>
public interface IRemoteStorage
{
    /// <summary>Uploads the segment's files under <paramref name="segment"/>'s segment id; re-uploading replaces them.</summary>
    Task UploadAsync(RemoteSegmentMetadata segment, LocalSegmentFiles files, CancellationToken ct);

    /// <summary>Reads up to <paramref name="destination"/>.Length bytes at <paramref name="position"/>; returns the count (0 at the end).</summary>
    Task<int> ReadAsync(RemoteSegmentMetadata segment, RemoteFileType file, long position, Memory<byte> destination, CancellationToken ct);

    /// <summary>The size of one file of an uploaded segment.</summary>
    Task<long> GetLengthAsync(RemoteSegmentMetadata segment, RemoteFileType file, CancellationToken ct);

    /// <summary>Deletes every file of the segment; deleting what is not there succeeds.</summary>
    Task DeleteAsync(RemoteSegmentMetadata segment, CancellationToken ct);

    /// <summary>The segment ids that have any file stored for a partition (to find orphans of interrupted uploads).</summary>
    Task<IReadOnlyList<Guid>> ListSegmentIdsAsync(Guid topicId, int partition, CancellationToken ct);
}

namespace Fjord.Tiering.Tests.Read;

/// <summary>Remote storage whose reads fail while <see cref="Failing"/> is set, as an unreachable Blob endpoint would.</summary>
internal sealed class FailingRemoteStorage(IRemoteStorage inner) : IRemoteStorage
{
    public bool Failing { get; set; }

    public Task UploadAsync(RemoteSegmentMetadata segment, LocalSegmentFiles files, CancellationToken ct) => inner.UploadAsync(segment, files, ct);

    public Task<int> ReadAsync(RemoteSegmentMetadata segment, RemoteFileType file, long position, Memory<byte> destination, CancellationToken ct) =>
        Failing ? Task.FromException<int>(new IOException("Blob storage is unreachable.")) : inner.ReadAsync(segment, file, position, destination, ct);

    public Task<long> GetLengthAsync(RemoteSegmentMetadata segment, RemoteFileType file, CancellationToken ct) => inner.GetLengthAsync(segment, file, ct);

    public Task DeleteAsync(RemoteSegmentMetadata segment, CancellationToken ct) => inner.DeleteAsync(segment, ct);

    public Task<IReadOnlyList<Guid>> ListSegmentIdsAsync(Guid topicId, int partition, CancellationToken ct) => inner.ListSegmentIdsAsync(topicId, partition, ct);
}

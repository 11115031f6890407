using Fjord.Tiering;

namespace Fjord.Broker.TestHost;

/// <summary>
/// Remote storage with <see cref="TierFaultPoints"/> after a whole upload and after a whole delete.
/// The mid-upload point is inside the upload itself (<see cref="BlobRemoteStorage"/>'s per-file hook),
/// which a decorator cannot reach.
/// </summary>
public sealed class FaultInjectingRemoteStorage(IRemoteStorage inner, TierFaultPoints faults) : IRemoteStorage
{
    private readonly IRemoteStorage _inner = inner ?? throw new ArgumentNullException(nameof(inner));
    private readonly TierFaultPoints _faults = faults ?? throw new ArgumentNullException(nameof(faults));

    public async Task UploadAsync(RemoteSegmentMetadata segment, LocalSegmentFiles files, CancellationToken ct)
    {
        await _inner.UploadAsync(segment, files, ct);
        _faults.Hit(TierFaultPoints.AfterUpload);
    }

    public Task<int> ReadAsync(RemoteSegmentMetadata segment, RemoteFileType file, long position, Memory<byte> destination, CancellationToken ct) =>
        _inner.ReadAsync(segment, file, position, destination, ct);

    public Task<long> GetLengthAsync(RemoteSegmentMetadata segment, RemoteFileType file, CancellationToken ct) =>
        _inner.GetLengthAsync(segment, file, ct);

    public async Task DeleteAsync(RemoteSegmentMetadata segment, CancellationToken ct)
    {
        await _inner.DeleteAsync(segment, ct);
        _faults.Hit(TierFaultPoints.AfterBlobsDeleted);
    }

    public Task<IReadOnlyList<Guid>> ListSegmentIdsAsync(Guid topicId, int partition, CancellationToken ct) =>
        _inner.ListSegmentIdsAsync(topicId, partition, ct);
}

using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Tiering;

/// <summary>
/// Tiered segments on Azure Blob storage (Kafka's RemoteStorageManager): one container, one block
/// blob per file, named by <see cref="RemoteBlobNames"/>. Uploads stream the local files in blocks
/// (memory stays bounded by block size × concurrency, whatever the segment size); reads are HTTP
/// range requests, so a small fetch never downloads a whole segment; deletes are idempotent. A
/// delete whose base offset is negative (an orphan known only by the id a listing returned) finds
/// the segment's blobs by listing the partition, since their names start with the offset.
/// </summary>
public sealed class BlobRemoteStorage : IRemoteStorage
{
    public const string DefaultContainerName = "fjord-tiered";

    // Blocks small enough that a transient failure retries 8 MiB, not a whole segment; two in
    // flight keep the pipe full without holding more than 16 MiB of a segment in memory.
    private const int BlockSize = 8 * 1024 * 1024;
    private const int UploadConcurrency = 2;
    private const int FileReadBuffer = 64 * 1024;

    private static readonly StorageTransferOptions UploadTransferOptions = new()
    {
        InitialTransferSize = BlockSize,
        MaximumTransferSize = BlockSize,
        MaximumConcurrency = UploadConcurrency,
    };

    private readonly BlobContainerClient _container;
    private readonly ILogger _logger;
    private readonly Action<string>? _afterFileUploaded;

    /// <param name="afterFileUploaded">
    /// Called with the blob name after each file of an upload is committed; crash-safety tests use it
    /// to die with some of a segment's blobs written and not others. Null in production.
    /// </param>
    public BlobRemoteStorage(BlobServiceClient service, string containerName = DefaultContainerName, ILogger<BlobRemoteStorage>? logger = null,
        Action<string>? afterFileUploaded = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrEmpty(containerName);
        _container = service.GetBlobContainerClient(containerName);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _afterFileUploaded = afterFileUploaded;
    }

    public string ContainerName => _container.Name;

    /// <summary>Creates the container if it does not exist yet. Call once before anything else.</summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        await _container.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
    }

    public async Task UploadAsync(RemoteSegmentMetadata segment, LocalSegmentFiles files, CancellationToken ct)
    {
        RemoteStorageValidation.ValidateSegment(segment);
        RemoteStorageValidation.ValidateFiles(files);
        try
        {
            await UploadFilesAsync(segment, files, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            // Deleted behind our back (or never initialised): recreate it rather than stall tiering.
            BlobRemoteStorageLog.ContainerRecreated(_logger, _container.Name);
            await InitializeAsync(ct).ConfigureAwait(false);
            await UploadFilesAsync(segment, files, ct).ConfigureAwait(false);
        }

        BlobRemoteStorageLog.Uploaded(_logger, segment.TopicId, segment.Partition, segment.BaseOffset, segment.SegmentId);
    }

    public async Task<int> ReadAsync(RemoteSegmentMetadata segment, RemoteFileType file, long position, Memory<byte> destination, CancellationToken ct)
    {
        RemoteStorageValidation.ValidateRead(segment, file, position);
        if (destination.IsEmpty)
            return 0;

        var blob = _container.GetBlobClient(RemoteBlobNames.Name(segment, file));
        Response<BlobDownloadStreamingResult> response;
        try
        {
            var options = new BlobDownloadOptions { Range = new HttpRange(position, destination.Length) };
            response = await blob.DownloadStreamingAsync(options, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 416)
        {
            // A range starting at or past the end: Kafka's reader treats that as end of file.
            return 0;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw RemoteStorageValidation.Missing(blob.Name);
        }

        using var download = response.Value;
        var content = download.Content;
        await using (content.ConfigureAwait(false))
        {
            var total = 0;
            while (total < destination.Length)
            {
                var read = await content.ReadAsync(destination[total..], ct).ConfigureAwait(false);
                if (read == 0)
                    break;
                total += read;
            }

            return total;
        }
    }

    public async Task<long> GetLengthAsync(RemoteSegmentMetadata segment, RemoteFileType file, CancellationToken ct)
    {
        RemoteStorageValidation.ValidateRead(segment, file, 0);
        var blob = _container.GetBlobClient(RemoteBlobNames.Name(segment, file));
        try
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: ct).ConfigureAwait(false);
            return properties.Value.ContentLength;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw RemoteStorageValidation.Missing(blob.Name);
        }
    }

    public async Task DeleteAsync(RemoteSegmentMetadata segment, CancellationToken ct)
    {
        RemoteStorageValidation.ValidateDelete(segment);
        try
        {
            var names = segment.BaseOffset >= 0
                ? Enum.GetValues<RemoteFileType>().Select(file => RemoteBlobNames.Name(segment, file)).ToList()
                : await FindOrphanBlobsAsync(segment, ct).ConfigureAwait(false);
            foreach (var name in names)
                await _container.GetBlobClient(name).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            // No container, no blobs: the deletion has nothing left to do.
            return;
        }

        BlobRemoteStorageLog.Deleted(_logger, segment.TopicId, segment.Partition, segment.BaseOffset, segment.SegmentId);
    }

    public async Task<IReadOnlyList<Guid>> ListSegmentIdsAsync(Guid topicId, int partition, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        var prefix = RemoteBlobNames.PartitionPrefix(topicId, partition);
        var seen = new HashSet<Guid>();
        var ids = new List<Guid>();
        try
        {
            // Listings come back in name order, so the ids come in base-offset order.
            await foreach (var item in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, ct).ConfigureAwait(false))
            {
                if (RemoteBlobNames.TryParseSegmentId(item.Name, prefix, out var id) && seen.Add(id))
                    ids.Add(id);
            }
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return [];
        }

        return ids;
    }

    /// <summary>
    /// The blobs of a segment named by id alone (an orphan of an interrupted upload has no manifest
    /// entry, so no base offset): the names start with the unknown offset, so the partition is listed.
    /// </summary>
    private async Task<List<string>> FindOrphanBlobsAsync(RemoteSegmentMetadata segment, CancellationToken ct)
    {
        var prefix = RemoteBlobNames.PartitionPrefix(segment.TopicId, segment.Partition);
        var names = new List<string>();
        await foreach (var item in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, ct).ConfigureAwait(false))
        {
            if (RemoteBlobNames.TryParseSegmentId(item.Name, prefix, out var id) && id == segment.SegmentId)
                names.Add(item.Name);
        }

        return names;
    }

    private async Task UploadFilesAsync(RemoteSegmentMetadata segment, LocalSegmentFiles files, CancellationToken ct)
    {
        // The segment itself goes last: a listing that shows its .log blob saw an upload that got that far.
        await UploadFileAsync(RemoteBlobNames.Name(segment, RemoteFileType.OffsetIndex), files.OffsetIndexFile, ct).ConfigureAwait(false);
        await UploadFileAsync(RemoteBlobNames.Name(segment, RemoteFileType.TimeIndex), files.TimeIndexFile, ct).ConfigureAwait(false);
        var checkpoint = BinaryData.FromBytes(LeaderEpochCheckpointText.ToBytes(files.LeaderEpochs));
        var checkpointName = RemoteBlobNames.Name(segment, RemoteFileType.LeaderEpochCheckpoint);
        await _container.GetBlobClient(checkpointName).UploadAsync(checkpoint, overwrite: true, ct).ConfigureAwait(false);
        _afterFileUploaded?.Invoke(checkpointName);
        if (files.ProducerSnapshotFile is { } snapshot && File.Exists(snapshot))
            await UploadFileAsync(RemoteBlobNames.Name(segment, RemoteFileType.ProducerSnapshot), snapshot, ct).ConfigureAwait(false);
        if (files.TransactionIndexFile is { } txnIndex && File.Exists(txnIndex))
            await UploadFileAsync(RemoteBlobNames.Name(segment, RemoteFileType.TransactionIndex), txnIndex, ct).ConfigureAwait(false);
        await UploadFileAsync(RemoteBlobNames.Name(segment, RemoteFileType.Segment), files.LogFile, ct).ConfigureAwait(false);
    }

    private async Task UploadFileAsync(string blobName, string path, CancellationToken ct)
    {
        // FileShare.Delete: local retention may unlink the file meanwhile; the open handle still reads it whole.
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileReadBuffer, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            var options = new BlobUploadOptions { TransferOptions = UploadTransferOptions };
            // No conditions: overwriting is what makes a re-upload of the same segment id replace it.
            await _container.GetBlobClient(blobName).UploadAsync(stream, options, ct).ConfigureAwait(false);
        }

        _afterFileUploaded?.Invoke(blobName);
    }
}

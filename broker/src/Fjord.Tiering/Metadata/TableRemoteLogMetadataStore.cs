using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Tiering;

/// <summary>
/// The remote-segment manifest on Azure Table storage: one table, one table partition per topic
/// partition (keyed by topic id, so a re-created topic starts empty), one row per segment id.
/// Every entry is a single row, so each change is one conditional write: inserts fail on an existing
/// row, state changes and removals carry If-Match of the row just read. A lost compare-and-swap is an
/// outcome (re-read and decide again), never an exception; the SDK's own retry covers transport.
/// </summary>
public sealed class TableRemoteLogMetadataStore : IRemoteLogMetadataStore
{
    public const string DefaultTableName = "fjordremotelog";
    private const int DefaultPageSize = 1000;

    // States only move forward, so a lost race always leaves the row in another state (or gone)
    // and the re-read decides; the bound only guards against a store that keeps changing ETags.
    private const int MaxAttempts = 8;

    // Each failed add means another add to the partition (or a fence) succeeded, so adds always make
    // progress; concurrent adds of one leader serialise on the fence row and need more rounds.
    private const int MaxAddAttempts = 64;

    private readonly TableClient _table;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public TableRemoteLogMetadataStore(
        TableServiceClient service,
        string tableName = DefaultTableName,
        TimeProvider? timeProvider = null,
        ILogger<TableRemoteLogMetadataStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        if (!IsValidTableName(tableName))
            throw new ArgumentException($"'{tableName}' is not a Table storage table name: 3 to 63 letters and digits, starting with a letter.", nameof(tableName));
        _table = service.GetTableClient(tableName);
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Rows per query page; tests lower it so listings of a few hundred entries span pages.</summary>
    internal int PageSize { get; set; } = DefaultPageSize;

    public string TableName => _table.Name;

    /// <summary>Creates the table if it does not exist yet. Call once before anything else.</summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        await _table.CreateIfNotExistsAsync(ct).ConfigureAwait(false);
    }

    public async Task<bool> AddCopyStartedAsync(RemoteSegmentMetadata segment, CancellationToken ct)
    {
        RemoteSegmentValidation.ValidateNew(segment);
        var partitionKey = RemoteLogTableKeys.PartitionKey(segment.TopicId, segment.Partition);
        var entity = ToEntity(segment);
        for (var attempt = 1; attempt <= MaxAddAttempts; attempt++)
        {
            // The entry and the fence row change in one transaction, conditional on the fence as read:
            // a newer leader's fence between our read and our write fails the whole add.
            var fence = await ReadRowAsync(partitionKey, RemoteLogTableKeys.FenceRowKey, ct).ConfigureAwait(false);
            var fenceEpoch = fence?.GetInt32(RemoteLogTableColumns.LeaderEpoch) ?? -1;
            if (fenceEpoch > segment.LeaderEpoch)
            {
                TableRemoteLogMetadataStoreLog.Fenced(_logger, segment.TopicId, segment.Partition, segment.LeaderEpoch, fenceEpoch);
                return false;
            }

            var raised = new TableEntity(partitionKey, RemoteLogTableKeys.FenceRowKey) { [RemoteLogTableColumns.LeaderEpoch] = Math.Max(fenceEpoch, segment.LeaderEpoch) };
            TableTransactionAction fenceAction = fence is null
                ? new(TableTransactionActionType.Add, raised)
                : new(TableTransactionActionType.UpdateMerge, raised, fence.ETag);
            try
            {
                await _table.SubmitTransactionAsync([fenceAction, new TableTransactionAction(TableTransactionActionType.Add, entity)], ct).ConfigureAwait(false);
                return true;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 or 404)
            {
                // Either the fence moved (re-read and decide again) or the entry exists: segment ids are
                // fresh per upload attempt, so an existing row is a retried add, not a clash to resolve.
                if (await ReadRowAsync(partitionKey, entity.RowKey, ct).ConfigureAwait(false) is not null)
                    return false;
            }
        }

        throw new InvalidOperationException($"Gave up adding remote segment {segment.SegmentId} of {segment.TopicId}-{segment.Partition} after {MaxAddAttempts} conflicting attempts.");
    }

    public async Task RemoveFencesAsync(Guid topicId, CancellationToken ct)
    {
        var prefix = RemoteLogTableKeys.TopicPrefix(topicId);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {prefix} and PartitionKey lt {RemoteLogTableKeys.PrefixEnd(prefix)} and RowKey eq {RemoteLogTableKeys.FenceRowKey}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, PageSize, ["PartitionKey", "RowKey"], ct).ConfigureAwait(false))
        {
            try
            {
                await _table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Removed by a concurrent deletion of the same topic.
            }
        }
    }

    public async Task<bool> FenceAsync(Guid topicId, int partition, int leaderEpoch, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfNegative(leaderEpoch);
        var partitionKey = RemoteLogTableKeys.PartitionKey(topicId, partition);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var fence = await ReadRowAsync(partitionKey, RemoteLogTableKeys.FenceRowKey, ct).ConfigureAwait(false);
            var fenceEpoch = fence?.GetInt32(RemoteLogTableColumns.LeaderEpoch) ?? -1;
            if (fenceEpoch > leaderEpoch)
                return false;
            if (fenceEpoch == leaderEpoch)
                return true;
            var raised = new TableEntity(partitionKey, RemoteLogTableKeys.FenceRowKey) { [RemoteLogTableColumns.LeaderEpoch] = leaderEpoch };
            try
            {
                if (fence is null)
                    await _table.AddEntityAsync(raised, ct).ConfigureAwait(false);
                else
                    await _table.UpdateEntityAsync(raised, fence.ETag, TableUpdateMode.Merge, ct).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
            {
                // Someone else moved the fence in between: the re-read decides.
            }
        }

        throw new InvalidOperationException($"Gave up fencing {topicId}-{partition} at leader epoch {leaderEpoch} after {MaxAttempts} conflicting attempts.");
    }

    public async Task<bool> TransitionAsync(Guid topicId, int partition, Guid segmentId, RemoteSegmentState from, RemoteSegmentState to, CancellationToken ct)
    {
        RemoteSegmentValidation.ValidateKey(topicId, partition, segmentId);
        RemoteSegmentTransitions.Validate(from, to);
        var partitionKey = RemoteLogTableKeys.PartitionKey(topicId, partition);
        var rowKey = RemoteLogTableKeys.RowKey(segmentId);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var row = await ReadRowAsync(partitionKey, rowKey, ct).ConfigureAwait(false);
            if (row is null || StateOf(row) != from)
                return false;
            if (from == to)
                return true;

            var change = new TableEntity(partitionKey, rowKey)
            {
                [RemoteLogTableColumns.State] = (int)to,
                [RemoteLogTableColumns.EventTime] = _time.GetUtcNow(),
            };
            try
            {
                // If-Match on the row read above is the compare-and-swap: of two racing leaders, one wins.
                await _table.UpdateEntityAsync(change, row.ETag, TableUpdateMode.Merge, ct).ConfigureAwait(false);
                TableRemoteLogMetadataStoreLog.Transitioned(_logger, topicId, partition, segmentId, to);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                TableRemoteLogMetadataStoreLog.TransitionConflict(_logger, topicId, partition, segmentId, from, to, attempt);
            }
        }

        throw new InvalidOperationException($"Gave up moving remote segment {segmentId} of {topicId}-{partition} from {from} to {to} after {MaxAttempts} conflicting attempts.");
    }

    public async Task<bool> RemoveAsync(Guid topicId, int partition, Guid segmentId, CancellationToken ct)
    {
        RemoteSegmentValidation.ValidateKey(topicId, partition, segmentId);
        var partitionKey = RemoteLogTableKeys.PartitionKey(topicId, partition);
        var rowKey = RemoteLogTableKeys.RowKey(segmentId);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var row = await ReadRowAsync(partitionKey, rowKey, ct).ConfigureAwait(false);
            // Only a finished deletion may vanish: anything else still has blobs someone must clean up.
            if (row is null || StateOf(row) != RemoteSegmentState.DeleteFinished)
                return false;
            try
            {
                await _table.DeleteEntityAsync(partitionKey, rowKey, row.ETag, ct).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Removed (or rewritten) by someone else in between: the re-read says which.
            }
        }

        throw new InvalidOperationException($"Gave up removing remote segment {segmentId} of {topicId}-{partition} after {MaxAttempts} conflicting attempts.");
    }

    public async Task<IReadOnlyList<RemoteSegmentMetadata>> ListAsync(Guid topicId, int partition, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {RemoteLogTableKeys.PartitionKey(topicId, partition)}");
        return await QueryAsync(filter, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RemoteSegmentMetadata>> ListTopicAsync(Guid topicId, CancellationToken ct)
    {
        var prefix = RemoteLogTableKeys.TopicPrefix(topicId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {RemoteLogTableKeys.PrefixEnd(prefix)}");
        return await QueryAsync(filter, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The entries matching <paramref name="filter"/>. A multi-page query is not a snapshot, but each
    /// entry is one row read once, so a concurrent change shows an entry in its old or its new state,
    /// never twice or torn; callers act per entry through compare-and-swap anyway.
    /// </summary>
    private async Task<List<RemoteSegmentMetadata>> QueryAsync(string filter, CancellationToken ct)
    {
        var entries = new List<RemoteSegmentMetadata>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, PageSize, cancellationToken: ct).ConfigureAwait(false))
        {
            if (row.RowKey != RemoteLogTableKeys.FenceRowKey)
                entries.Add(ToMetadata(row));
        }
        entries.Sort((x, y) => x.Partition != y.Partition ? x.Partition.CompareTo(y.Partition) : RemoteSegmentValidation.Compare(x, y));
        return entries;
    }

    private async Task<TableEntity?> ReadRowAsync(string partitionKey, string rowKey, CancellationToken ct)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    private static RemoteSegmentState StateOf(TableEntity row) =>
        (RemoteSegmentState)(row.GetInt32(RemoteLogTableColumns.State) ?? throw Malformed(row, RemoteLogTableColumns.State));

    private static TableEntity ToEntity(RemoteSegmentMetadata segment) =>
        new(RemoteLogTableKeys.PartitionKey(segment.TopicId, segment.Partition), RemoteLogTableKeys.RowKey(segment.SegmentId))
        {
            [RemoteLogTableColumns.TopicId] = segment.TopicId,
            [RemoteLogTableColumns.Topic] = segment.Topic,
            [RemoteLogTableColumns.Partition] = segment.Partition,
            [RemoteLogTableColumns.SegmentId] = segment.SegmentId,
            [RemoteLogTableColumns.BaseOffset] = segment.BaseOffset,
            [RemoteLogTableColumns.EndOffset] = segment.EndOffset,
            [RemoteLogTableColumns.MaxTimestamp] = segment.MaxTimestamp,
            [RemoteLogTableColumns.SizeInBytes] = segment.SizeInBytes,
            [RemoteLogTableColumns.LeaderEpochs] = LeaderEpochsColumn.Format(segment.LeaderEpochs),
            [RemoteLogTableColumns.State] = (int)segment.State,
            [RemoteLogTableColumns.BrokerId] = segment.BrokerId,
            [RemoteLogTableColumns.LeaderEpoch] = segment.LeaderEpoch,
            [RemoteLogTableColumns.EventTime] = segment.EventTime,
        };

    private static RemoteSegmentMetadata ToMetadata(TableEntity row) =>
        new(
            row.GetGuid(RemoteLogTableColumns.TopicId) ?? throw Malformed(row, RemoteLogTableColumns.TopicId),
            row.GetString(RemoteLogTableColumns.Topic) ?? throw Malformed(row, RemoteLogTableColumns.Topic),
            row.GetInt32(RemoteLogTableColumns.Partition) ?? throw Malformed(row, RemoteLogTableColumns.Partition),
            row.GetGuid(RemoteLogTableColumns.SegmentId) ?? throw Malformed(row, RemoteLogTableColumns.SegmentId),
            row.GetInt64(RemoteLogTableColumns.BaseOffset) ?? throw Malformed(row, RemoteLogTableColumns.BaseOffset),
            row.GetInt64(RemoteLogTableColumns.EndOffset) ?? throw Malformed(row, RemoteLogTableColumns.EndOffset),
            row.GetInt64(RemoteLogTableColumns.MaxTimestamp) ?? throw Malformed(row, RemoteLogTableColumns.MaxTimestamp),
            row.GetInt64(RemoteLogTableColumns.SizeInBytes) ?? throw Malformed(row, RemoteLogTableColumns.SizeInBytes),
            LeaderEpochsColumn.Parse(row.GetString(RemoteLogTableColumns.LeaderEpochs)),
            StateOf(row),
            row.GetInt32(RemoteLogTableColumns.BrokerId) ?? throw Malformed(row, RemoteLogTableColumns.BrokerId),
            row.GetInt32(RemoteLogTableColumns.LeaderEpoch) ?? throw Malformed(row, RemoteLogTableColumns.LeaderEpoch),
            row.GetDateTimeOffset(RemoteLogTableColumns.EventTime) ?? throw Malformed(row, RemoteLogTableColumns.EventTime));

    private static InvalidDataException Malformed(TableEntity row, string column) =>
        new($"Manifest row {row.PartitionKey}/{row.RowKey} has no {column} column.");

    private static bool IsValidTableName(string name) =>
        name.Length is >= 3 and <= 63 && char.IsAsciiLetter(name[0]) && name.All(char.IsAsciiLetterOrDigit);
}

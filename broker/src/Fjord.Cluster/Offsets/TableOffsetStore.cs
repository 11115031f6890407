using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Cluster;

/// <summary>
/// <see cref="IOffsetStore"/> on Azure Table storage. Each group is one table partition holding its
/// group record (row <c>g</c>) and one row per committed offset (<c>o_&lt;topic&gt;_&lt;partition&gt;</c>),
/// so a commit of up to 100 partitions is a single atomic transaction. Larger commits are split
/// into several transactions: each one is atomic and idempotent (UpsertReplace), the commit as a
/// whole is not — a failure leaves some partitions at the new offsets, and the caller, which has
/// not acknowledged the OffsetCommit, may simply retry it. A separate index partition lists the
/// groups, because Table storage cannot enumerate distinct partition keys.
/// </summary>
public sealed partial class TableOffsetStore : IOffsetStore
{
    public const string DefaultTableName = "fjordoffsets";

    /// <summary>Table storage's limit on the actions of one entity group transaction.</summary>
    private const int MaxTransactionActions = 100;

    private static readonly string[] RowKeyOnly = ["RowKey"];
    private static readonly string[] GroupIdOnly = [OffsetTableColumns.GroupId];

    private readonly TableClient _table;
    private readonly ILogger _logger;

    public TableOffsetStore(TableServiceClient service, string tableName = DefaultTableName, ILogger<TableOffsetStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        if (!IsValidTableName(tableName))
            throw new ArgumentException($"'{tableName}' is not a Table storage table name: 3 to 63 letters and digits, starting with a letter.", nameof(tableName));
        _table = service.GetTableClient(tableName);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public string TableName => _table.Name;

    /// <summary>Creates the table if it does not exist yet. Call once before anything else.</summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        await _table.CreateIfNotExistsAsync(ct).ConfigureAwait(false);
    }

    public async Task CommitAsync(string groupId, IReadOnlyList<CommittedOffset> offsets, CancellationToken ct)
    {
        OffsetStoreValidation.ValidateGroupId(groupId);
        OffsetStoreValidation.ValidateOffsets(offsets);
        if (offsets.Count == 0)
            return;

        var partitionKey = OffsetTableKeys.GroupPartition(groupId);
        var unique = OffsetStoreValidation.LastPerPartition(offsets);
        if (unique.Count == 1)
        {
            await _table.UpsertEntityAsync(ToEntity(partitionKey, unique[0]), TableUpdateMode.Replace, ct).ConfigureAwait(false);
        }
        else
        {
            var transactions = unique
                .Select(o => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(partitionKey, o)))
                .Chunk(MaxTransactionActions)
                .ToList();
            if (transactions.Count > 1)
                TableOffsetStoreLog.MultiTransactionCommit(_logger, groupId, unique.Count, transactions.Count);
            await Task.WhenAll(transactions.Select(t => _table.SubmitTransactionAsync(t, ct))).ConfigureAwait(false);
        }

        // After the offsets, never before: a concurrent DeleteGroupAsync that removes the index row
        // re-checks the partition afterwards, so offsets written first are never left unlisted.
        await UpsertIndexRowAsync(groupId, partitionKey, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<CommittedOffset>> FetchAsync(string groupId, CancellationToken ct)
    {
        OffsetStoreValidation.ValidateGroupId(groupId);
        var partitionKey = OffsetTableKeys.GroupPartition(groupId);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {partitionKey} and RowKey ge {OffsetTableKeys.OffsetPrefix} and RowKey lt {TableKeys.PrefixEnd(OffsetTableKeys.OffsetPrefix)}");
        var offsets = new List<CommittedOffset>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
            offsets.Add(FromEntity(row));
        offsets.Sort(OffsetStoreValidation.Compare);
        return offsets;
    }

    public async Task DeleteOffsetsAsync(string groupId, IReadOnlyList<(string Topic, int Partition)> partitions, CancellationToken ct)
    {
        OffsetStoreValidation.ValidateGroupId(groupId);
        OffsetStoreValidation.ValidatePartitions(partitions);
        if (partitions.Count == 0)
            return;

        var partitionKey = OffsetTableKeys.GroupPartition(groupId);
        var rowKeys = partitions.Select(p => OffsetTableKeys.OffsetRow(p.Topic, p.Partition)).Distinct(StringComparer.Ordinal).ToList();
        await DeleteRowsAsync(groupId, partitionKey, rowKeys, ct).ConfigureAwait(false);
        ForgetSamples(partitionKey, rowKeys);
        await RemoveIndexRowIfEmptyAsync(groupId, partitionKey, ct).ConfigureAwait(false);
    }

    public async Task DeleteGroupAsync(string groupId, CancellationToken ct)
    {
        OffsetStoreValidation.ValidateGroupId(groupId);
        var partitionKey = OffsetTableKeys.GroupPartition(groupId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}");
        var rowKeys = new List<string>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: RowKeyOnly, cancellationToken: ct).ConfigureAwait(false))
            rowKeys.Add(row.RowKey);
        await DeleteRowsAsync(groupId, partitionKey, rowKeys, ct).ConfigureAwait(false);
        ForgetSamples(partitionKey, rowKeys);
        await RemoveIndexRowIfEmptyAsync(groupId, partitionKey, ct).ConfigureAwait(false);
    }

    public async Task SaveGroupAsync(GroupRecord group, CancellationToken ct)
    {
        OffsetStoreValidation.ValidateGroup(group);
        var partitionKey = OffsetTableKeys.GroupPartition(group.GroupId);
        var row = new TableEntity(partitionKey, OffsetTableKeys.GroupRow)
        {
            [OffsetTableColumns.GroupId] = group.GroupId,
            [OffsetTableColumns.ProtocolType] = group.ProtocolType,
            [OffsetTableColumns.GenerationId] = group.GenerationId,
            [OffsetTableColumns.StateTime] = group.StateTime,
            // One binary column holds 64 KiB of UTF-8 JSON; a string column would hold half that (UTF-16).
            [OffsetTableColumns.Members] = GroupMembersJson.Serialize(group),
        };
        // Absent columns read back as null, which is how a null protocol name or leader is kept.
        if (group.ProtocolName is not null)
            row[OffsetTableColumns.ProtocolName] = group.ProtocolName;
        if (group.LeaderId is not null)
            row[OffsetTableColumns.LeaderId] = group.LeaderId;

        await _table.UpsertEntityAsync(row, TableUpdateMode.Replace, ct).ConfigureAwait(false);
        await UpsertIndexRowAsync(group.GroupId, partitionKey, ct).ConfigureAwait(false);
    }

    public async Task<GroupRecord?> LoadGroupAsync(string groupId, CancellationToken ct)
    {
        OffsetStoreValidation.ValidateGroupId(groupId);
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(
            OffsetTableKeys.GroupPartition(groupId), OffsetTableKeys.GroupRow, cancellationToken: ct).ConfigureAwait(false);
        if (!response.HasValue)
            return null;

        var row = response.Value!;
        if (row.GetString(OffsetTableColumns.GroupId) is { } stored && !string.Equals(stored, groupId, StringComparison.Ordinal))
            throw new InvalidOperationException($"The group row under key '{row.PartitionKey}' belongs to another group id; hashed keys collided.");
        return new GroupRecord(
            groupId,
            row.GetString(OffsetTableColumns.ProtocolType) ?? "",
            row.GetInt32(OffsetTableColumns.GenerationId) ?? 0,
            row.GetString(OffsetTableColumns.ProtocolName),
            row.GetString(OffsetTableColumns.LeaderId),
            row.GetDateTimeOffset(OffsetTableColumns.StateTime) ?? OffsetStoreLimits.MinCommitTime,
            GroupMembersJson.Deserialize(row.GetBinary(OffsetTableColumns.Members) ?? "[]"u8.ToArray()));
    }

    public async Task<IReadOnlyList<string>> ListGroupIdsAsync(CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {OffsetTableKeys.GroupIndexPartition}");
        var ids = new List<string>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: GroupIdOnly, cancellationToken: ct).ConfigureAwait(false))
            ids.Add(row.GetString(OffsetTableColumns.GroupId) ?? TableKeys.Decode(row.RowKey));
        ids.Sort(StringComparer.Ordinal);
        return ids;
    }

    private static bool IsValidTableName(string name) =>
        name.Length is >= 3 and <= 63 && char.IsAsciiLetter(name[0]) && name.All(char.IsAsciiLetterOrDigit);

    /// <summary>A committed-offset row, with the history of the group's commits in the partition (<see cref="CommitSamples"/>).</summary>
    private TableEntity ToEntity(string partitionKey, CommittedOffset offset)
    {
        var rowKey = OffsetTableKeys.OffsetRow(offset.Topic, offset.Partition);
        var row = ToEntity(partitionKey, rowKey, offset);
        row[OffsetTableColumns.CommitSamples] = CommitSamples(partitionKey, rowKey, offset);
        return row;
    }

    private static TableEntity ToEntity(string partitionKey, string rowKey, CommittedOffset offset)
    {
        var row = new TableEntity(partitionKey, rowKey)
        {
            [OffsetTableColumns.Topic] = offset.Topic,
            [OffsetTableColumns.Partition] = offset.Partition,
            [OffsetTableColumns.Offset] = offset.Offset,
            [OffsetTableColumns.LeaderEpoch] = offset.LeaderEpoch,
            [OffsetTableColumns.CommitTime] = offset.CommitTime,
        };
        // Kafka tells null metadata from empty; an absent column is null, an empty string stays empty.
        if (offset.Metadata is not null)
            row[OffsetTableColumns.Metadata] = offset.Metadata;
        return row;
    }

    private static CommittedOffset FromEntity(TableEntity row) =>
        new(
            row.GetString(OffsetTableColumns.Topic) ?? throw new FormatException($"Offset row '{row.RowKey}' has no topic."),
            row.GetInt32(OffsetTableColumns.Partition) ?? throw new FormatException($"Offset row '{row.RowKey}' has no partition."),
            row.GetInt64(OffsetTableColumns.Offset) ?? throw new FormatException($"Offset row '{row.RowKey}' has no offset."),
            row.GetInt32(OffsetTableColumns.LeaderEpoch) ?? -1,
            row.GetString(OffsetTableColumns.Metadata),
            row.GetDateTimeOffset(OffsetTableColumns.CommitTime) ?? OffsetStoreLimits.MinCommitTime);

    private async Task UpsertIndexRowAsync(string groupId, string partitionKey, CancellationToken ct)
    {
        var row = new TableEntity(OffsetTableKeys.GroupIndexPartition, partitionKey) { [OffsetTableColumns.GroupId] = groupId };
        await _table.UpsertEntityAsync(row, TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes rows in transactions of at most 100. A transaction fails whole when one of its rows is
    /// already gone (404), so such a chunk is redone row by row, each tolerating absence; deleting is
    /// idempotent either way.
    /// </summary>
    private async Task DeleteRowsAsync(string groupId, string partitionKey, List<string> rowKeys, CancellationToken ct)
    {
        foreach (var chunk in rowKeys.Chunk(MaxTransactionActions))
        {
            try
            {
                if (chunk.Length == 1)
                {
                    await DeleteRowAsync(partitionKey, chunk[0], ct).ConfigureAwait(false);
                    continue;
                }

                var actions = chunk.Select(rowKey => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partitionKey, rowKey), ETag.All));
                await _table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                TableOffsetStoreLog.BatchDeleteFellBack(_logger, groupId);
                foreach (var rowKey in chunk)
                    await DeleteRowAsync(partitionKey, rowKey, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task DeleteRowAsync(string partitionKey, string rowKey, CancellationToken ct)
    {
        try
        {
            await _table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Already gone: the outcome a delete wants.
        }
    }

    /// <summary>
    /// Drops the group's index row once its partition is empty. A commit racing with this writes
    /// its offsets before its index row, so if the partition is non-empty after the index row is
    /// gone, the index row is put back: a group with rows is never left out of the listing.
    /// </summary>
    private async Task RemoveIndexRowIfEmptyAsync(string groupId, string partitionKey, CancellationToken ct)
    {
        if (await HasRowsAsync(partitionKey, ct).ConfigureAwait(false))
            return;
        await DeleteRowAsync(OffsetTableKeys.GroupIndexPartition, partitionKey, ct).ConfigureAwait(false);
        if (await HasRowsAsync(partitionKey, ct).ConfigureAwait(false))
        {
            await UpsertIndexRowAsync(groupId, partitionKey, ct).ConfigureAwait(false);
            TableOffsetStoreLog.GroupIndexRestored(_logger, groupId);
        }
    }

    private async Task<bool> HasRowsAsync(string partitionKey, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}");
        await foreach (var page in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: RowKeyOnly, cancellationToken: ct).AsPages().ConfigureAwait(false))
        {
            if (page.Values.Count > 0)
                return true;
            // An empty page with a continuation token can happen; keep reading until the end.
        }

        return false;
    }
}

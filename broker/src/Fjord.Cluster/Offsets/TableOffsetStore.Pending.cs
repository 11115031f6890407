using Azure;
using Azure.Data.Tables;

namespace Fjord.Cluster;

/// <summary>
/// Transactional offsets. They are rows "p_&lt;producer id&gt;_…" in the group's own partition, so that a
/// commit turns each into its "o_…" row and deletes it in one entity-group transaction; an index row per
/// (offsets partition, producer, group) lets the coordinator that receives the marker find the groups
/// without having loaded them (it may have taken over after the TxnOffsetCommit).
/// </summary>
public sealed partial class TableOffsetStore
{
    // Each pending offset becomes two actions (upsert the offset, delete the pending row).
    private const int OffsetsPerCompletion = MaxTransactionActions / 2;

    public async Task StagePendingAsync(string groupId, int offsetsPartition, long producerId, IReadOnlyList<CommittedOffset> offsets, CancellationToken ct)
    {
        OffsetStoreValidation.ValidateGroupId(groupId);
        OffsetStoreValidation.ValidateOffsets(offsets);
        ArgumentOutOfRangeException.ThrowIfNegative(offsetsPartition);
        ArgumentOutOfRangeException.ThrowIfNegative(producerId);
        if (offsets.Count == 0)
            return;

        var partitionKey = OffsetTableKeys.GroupPartition(groupId);
        // The index row first: a pending row that no index names would never be completed.
        var index = new TableEntity(OffsetTableKeys.PendingIndexPartition(offsetsPartition), OffsetTableKeys.PendingIndexRow(producerId, partitionKey))
        {
            [OffsetTableColumns.GroupId] = groupId,
        };
        await _table.UpsertEntityAsync(index, TableUpdateMode.Replace, ct).ConfigureAwait(false);

        var actions = OffsetStoreValidation.LastPerPartition(offsets)
            .Select(o =>
            {
                var row = ToEntity(partitionKey, OffsetTableKeys.PendingRow(producerId, o.Topic, o.Partition), o);
                row[OffsetTableColumns.ProducerId] = producerId;
                return new TableTransactionAction(TableTransactionActionType.UpsertReplace, row);
            })
            .Chunk(MaxTransactionActions);
        foreach (var chunk in actions)
            await _table.SubmitTransactionAsync(chunk, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<PendingOffset>> FetchPendingAsync(string groupId, CancellationToken ct)
    {
        OffsetStoreValidation.ValidateGroupId(groupId);
        var pending = new List<PendingOffset>();
        await foreach (var row in QueryPendingAsync(OffsetTableKeys.GroupPartition(groupId), OffsetTableKeys.PendingPrefix, ct).ConfigureAwait(false))
            pending.Add(new PendingOffset(row.GetInt64(OffsetTableColumns.ProducerId) ?? -1, FromEntity(row)));
        return pending;
    }

    public async Task<IReadOnlyList<string>> PendingGroupsAsync(int offsetsPartition, long producerId, CancellationToken ct)
    {
        var groups = new List<string>();
        await foreach (var row in QueryPendingAsync(OffsetTableKeys.PendingIndexPartition(offsetsPartition), OffsetTableKeys.PendingIndexRowPrefix(producerId), ct).ConfigureAwait(false))
        {
            if (row.GetString(OffsetTableColumns.GroupId) is { } groupId)
                groups.Add(groupId);
        }

        groups.Sort(StringComparer.Ordinal);
        return groups;
    }

    public async Task<IReadOnlyList<CommittedOffset>> CompletePendingAsync(string groupId, int offsetsPartition, long producerId, bool commit, CancellationToken ct)
    {
        OffsetStoreValidation.ValidateGroupId(groupId);
        var partitionKey = OffsetTableKeys.GroupPartition(groupId);
        var rows = new List<TableEntity>();
        await foreach (var row in QueryPendingAsync(partitionKey, OffsetTableKeys.PendingPrefixOf(producerId), ct).ConfigureAwait(false))
            rows.Add(row);

        var committed = new List<CommittedOffset>(commit ? rows.Count : 0);
        foreach (var chunk in rows.Chunk(OffsetsPerCompletion))
        {
            var actions = new List<TableTransactionAction>(chunk.Length * 2);
            foreach (var row in chunk)
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partitionKey, row.RowKey), ETag.All));
                if (commit)
                {
                    var offset = FromEntity(row);
                    committed.Add(offset);
                    actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(partitionKey, offset)));
                }
            }

            await _table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
        }

        if (committed.Count > 0)
            await UpsertIndexRowAsync(groupId, partitionKey, ct).ConfigureAwait(false);
        await DeleteRowAsync(OffsetTableKeys.PendingIndexPartition(offsetsPartition), OffsetTableKeys.PendingIndexRow(producerId, partitionKey), ct).ConfigureAwait(false);
        committed.Sort(OffsetStoreValidation.Compare);
        return committed;
    }

    private AsyncPageable<TableEntity> QueryPendingAsync(string partitionKey, string rowKeyPrefix, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {partitionKey} and RowKey ge {rowKeyPrefix} and RowKey lt {TableKeys.PrefixEnd(rowKeyPrefix)}");
        return _table.QueryAsync<TableEntity>(filter, cancellationToken: ct);
    }
}

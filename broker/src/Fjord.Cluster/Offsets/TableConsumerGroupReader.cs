using Azure;
using Azure.Data.Tables;

namespace Fjord.Cluster;

/// <summary>
/// Reads consumer groups out of the offsets table for those that are not their coordinator (the control plane):
/// the group listing, and a group's record and committed offsets with their commit histories. Reads only.
/// </summary>
public sealed class TableConsumerGroupReader
{
    private static readonly string[] GroupIdOnly = [OffsetTableColumns.GroupId];

    private readonly TableClient _table;

    public TableConsumerGroupReader(TableServiceClient service, string tableName = TableOffsetStore.DefaultTableName)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        _table = service.GetTableClient(tableName);
    }

    /// <summary>The ids of the groups starting with <paramref name="prefix"/>, in ordinal order (one query of the group index).</summary>
    public async Task<IReadOnlyList<string>> ListGroupIdsAsync(string prefix, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {OffsetTableKeys.GroupIndexPartition}");
        var ids = new List<string>();
        try
        {
            await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: GroupIdOnly, cancellationToken: ct).ConfigureAwait(false))
            {
                var id = row.GetString(OffsetTableColumns.GroupId) ?? TableKeys.Decode(row.RowKey);
                if (id.StartsWith(prefix, StringComparison.Ordinal)) ids.Add(id);
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return [];
        }
        ids.Sort(StringComparer.Ordinal);
        return ids;
    }

    /// <summary>The group's record and committed offsets (one query of its partition), or null when it has neither.</summary>
    public async Task<ConsumerGroupSnapshot?> ReadGroupAsync(string groupId, CancellationToken ct)
    {
        OffsetStoreValidation.ValidateGroupId(groupId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {OffsetTableKeys.GroupPartition(groupId)}");
        TableEntity? record = null;
        var offsets = new List<CommittedOffsetHistory>();
        try
        {
            await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
            {
                if (row.RowKey == OffsetTableKeys.GroupRow)
                    record = row;
                else if (row.RowKey.StartsWith(OffsetTableKeys.OffsetPrefix, StringComparison.Ordinal))
                    offsets.Add(FromOffsetRow(row));
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }

        if (record is null && offsets.Count == 0) return null;
        // A hashed key shared by another id: not this group's rows.
        if (record?.GetString(OffsetTableColumns.GroupId) is { } stored && !string.Equals(stored, groupId, StringComparison.Ordinal)) return null;
        offsets.Sort((a, b) => OffsetStoreValidation.Compare(a.Offset, b.Offset));
        return new ConsumerGroupSnapshot(
            groupId,
            record?.GetString(OffsetTableColumns.ProtocolType),
            record?.GetInt32(OffsetTableColumns.GenerationId),
            record is null ? null : MemberCount(record),
            record?.GetDateTimeOffset(OffsetTableColumns.StateTime),
            offsets);
    }

    private static int MemberCount(TableEntity record) =>
        record.GetBinary(OffsetTableColumns.Members) is { } members ? GroupMembersJson.Deserialize(members).Count : 0;

    private static CommittedOffsetHistory FromOffsetRow(TableEntity row)
    {
        var offset = new CommittedOffset(
            row.GetString(OffsetTableColumns.Topic) ?? throw new FormatException($"Offset row '{row.RowKey}' has no topic."),
            row.GetInt32(OffsetTableColumns.Partition) ?? throw new FormatException($"Offset row '{row.RowKey}' has no partition."),
            row.GetInt64(OffsetTableColumns.Offset) ?? throw new FormatException($"Offset row '{row.RowKey}' has no offset."),
            row.GetInt32(OffsetTableColumns.LeaderEpoch) ?? -1,
            row.GetString(OffsetTableColumns.Metadata),
            row.GetDateTimeOffset(OffsetTableColumns.CommitTime) ?? OffsetStoreLimits.MinCommitTime);
        return new CommittedOffsetHistory(offset, SampleHistory.Decode(row.GetBinary(OffsetTableColumns.CommitSamples) ?? []));
    }
}

using Azure.Data.Tables;

namespace Fjord.Cluster;

public sealed partial class TableMetadataStore
{
    public async Task<IReadOnlyList<TopicMetadata>> ListTopicsAsync(CancellationToken ct)
    {
        var rows = await ReadRangeFencedAsync(TableKeys.TopicPrefix, ct).ConfigureAwait(false);
        var topics = new List<TopicMetadata>(rows.Count);
        foreach (var row in rows)
            topics.Add(ToTopic(row));
        topics.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return topics;
    }

    public async Task<IReadOnlySet<Guid>> ListDeletedTopicIdsAsync(CancellationToken ct)
    {
        var rows = await ReadRangeAsync(TableKeys.DeletedTopicPrefix, ct).ConfigureAwait(false);
        var ids = new HashSet<Guid>(rows.Count);
        foreach (var row in rows)
            if (row.GetGuid(TableColumns.TopicId) is { } id) ids.Add(id);
        return ids;
    }

    public async Task<TopicMetadata?> GetTopicAsync(string name, CancellationToken ct)
    {
        MetadataValidation.ValidateTopicName(name);
        var row = await ReadRowAsync(TableKeys.TopicRow(name), ct).ConfigureAwait(false);
        return row is null ? null : ToTopic(row);
    }

    public async Task<CreateTopicOutcome> CreateTopicAsync(TopicMetadata topic, CancellationToken ct)
    {
        MetadataValidation.ValidateTopic(topic);
        var entity = ToEntity(topic);
        for (var attempt = 1; attempt <= ConflictBackoff.MaxAttempts; attempt++)
        {
            if (await ReadRowAsync(entity.RowKey, ct).ConfigureAwait(false) is not null)
                return CreateTopicOutcome.AlreadyExists;

            var version = await ReadVersionAsync(ct).ConfigureAwait(false);
            // Add fails with 409 if a concurrent creator got there first; the re-read above then
            // reports AlreadyExists, so exactly one creator sees Created.
            var insert = new TableTransactionAction(TableTransactionActionType.Add, entity);
            if (await TryCommitAsync(insert, version, nameof(CreateTopicAsync), attempt, ct).ConfigureAwait(false))
                return CreateTopicOutcome.Created;
            await ConflictBackoff.DelayAsync(attempt, ct).ConfigureAwait(false);
        }

        throw ConflictBackoff.GiveUp($"creating topic {topic.Name}");
    }

    public async Task<bool> DeleteTopicAsync(string name, Guid? expectedTopicId, CancellationToken ct)
    {
        MetadataValidation.ValidateTopicName(name);
        var rowKey = TableKeys.TopicRow(name);
        for (var attempt = 1; attempt <= ConflictBackoff.MaxAttempts; attempt++)
        {
            var row = await ReadRowAsync(rowKey, ct).ConfigureAwait(false);
            if (row is null)
                return false;
            if (expectedTopicId is { } expected && row.GetGuid(TableColumns.TopicId) != expected)
                return false;

            // The topic row goes in the first transaction, with as many of its partition rows as fit:
            // from that commit on, no partition of this incarnation is visible (readers show only
            // partitions whose live topic has the row's topic id), so the remaining rows of a topic
            // with more than 98 partitions are deleted afterwards without ever looking live. A crash
            // in between leaves invisible rows that the next delete of the name, or a controller write
            // for a new incarnation, removes or replaces.
            var partitions = await ReadRangeAsync(TableKeys.PartitionTopicPrefix(name), ct).ConfigureAwait(false);
            var version = await ReadVersionAsync(ct).ConfigureAwait(false);
            // The tombstone commits with the deletion: brokers remove a log only for a topic id known
            // deleted, so a store that merely lost its rows can never make them delete data.
            var actions = new List<TableTransactionAction> { DeleteAction(row), new(TableTransactionActionType.UpsertReplace, Tombstone(row)) };
            actions.AddRange(partitions.Take(MaxEntitiesPerTransaction - 3).Select(DeleteAction));
            actions.Add(BumpVersion(version));
            if (await TrySubmitAsync(actions, nameof(DeleteTopicAsync), attempt, ct).ConfigureAwait(false) is not null)
            {
                if (partitions.Count > MaxEntitiesPerTransaction - 3)
                    await DeleteStalePartitionRowsAsync(name, ct).ConfigureAwait(false);
                return true;
            }

            await ConflictBackoff.DelayAsync(attempt, ct).ConfigureAwait(false);
        }

        throw ConflictBackoff.GiveUp($"deleting topic {name}");
    }

    public async Task<UpdateOutcome> UpdateTopicAsync(string name, Func<TopicMetadata, TopicMetadata?> change, CancellationToken ct)
    {
        MetadataValidation.ValidateTopicName(name);
        ArgumentNullException.ThrowIfNull(change);
        var rowKey = TableKeys.TopicRow(name);
        for (var attempt = 1; attempt <= ConflictBackoff.MaxAttempts; attempt++)
        {
            var row = await ReadRowAsync(rowKey, ct).ConfigureAwait(false);
            if (row is null)
                return UpdateOutcome.NotFound;

            var current = ToTopic(row);
            var changed = change(current);
            if (changed is null)
                return UpdateOutcome.Unchanged;
            MetadataValidation.EnsureSameIdentity(current, changed);
            MetadataValidation.ValidateTopic(changed);

            var version = await ReadVersionAsync(ct).ConfigureAwait(false);
            // If-Match on the topic row is what prevents a lost update: a concurrent writer
            // changed its ETag, so this write fails and the change is re-applied to fresh data.
            var replace = new TableTransactionAction(TableTransactionActionType.UpdateReplace, ToEntity(changed), row.ETag);
            if (await TryCommitAsync(replace, version, nameof(UpdateTopicAsync), attempt, ct).ConfigureAwait(false))
                return UpdateOutcome.Updated;
            await ConflictBackoff.DelayAsync(attempt, ct).ConfigureAwait(false);
        }

        throw ConflictBackoff.GiveUp($"updating topic {name}");
    }

    private TableEntity Tombstone(TableEntity topicRow)
    {
        var topicId = topicRow.GetGuid(TableColumns.TopicId) ?? throw CorruptRow(topicRow, TableColumns.TopicId);
        return new TableEntity(TableKeys.ClusterPartition, TableKeys.DeletedTopicRow(topicId))
        {
            [TableColumns.TopicId] = topicId,
            [TableColumns.Name] = topicRow.GetString(TableColumns.Name),
            [TableColumns.DeletedAt] = _time.GetUtcNow(),
        };
    }

    private static TableEntity ToEntity(TopicMetadata topic)
    {
        var entity = new TableEntity(TableKeys.ClusterPartition, TableKeys.TopicRow(topic.Name))
        {
            [TableColumns.Name] = topic.Name,
            [TableColumns.TopicId] = topic.TopicId,
            [TableColumns.PartitionCount] = topic.PartitionCount,
            // Table storage has no 16-bit type.
            [TableColumns.ReplicationFactor] = (int)topic.ReplicationFactor,
            [TableColumns.Configs] = MetadataValidation.SerializeConfigs(topic),
        };
        // Absent, not null, when there is none: a replace then drops an assignment the update removed.
        if (MetadataValidation.SerializeAssignment(topic.Assignment) is { } assignment)
            entity[TableColumns.Assignment] = assignment;
        return entity;
    }

    private static TopicMetadata ToTopic(TableEntity row) =>
        new(
            row.GetString(TableColumns.Name) ?? TableKeys.Decode(row.RowKey[TableKeys.TopicPrefix.Length..]),
            row.GetGuid(TableColumns.TopicId) ?? throw CorruptRow(row, TableColumns.TopicId),
            row.GetInt32(TableColumns.PartitionCount) ?? throw CorruptRow(row, TableColumns.PartitionCount),
            checked((short)(row.GetInt32(TableColumns.ReplicationFactor) ?? throw CorruptRow(row, TableColumns.ReplicationFactor))),
            MetadataValidation.DeserializeConfigs(row.GetString(TableColumns.Configs)),
            MetadataValidation.DeserializeAssignment(row.GetString(TableColumns.Assignment)));

    private static InvalidDataException CorruptRow(TableEntity row, string column) =>
        new($"Metadata row {row.PartitionKey}/{row.RowKey} lacks a valid {column} column.");
}

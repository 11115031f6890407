using Azure;
using Azure.Data.Tables;

namespace Fjord.Cluster;

public sealed partial class TableMetadataStore
{
    public async Task<WriteOutcome> WritePartitionStatesAsync(
        ControllerToken token,
        IReadOnlyList<(PartitionState State, int? ExpectedPartitionEpoch)> changes,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(token);
        ControllerStoreValidation.ValidateChanges(changes);
        foreach (var chunk in changes.Chunk(IControllerStore.MaxPartitionsPerTransaction))
        {
            var outcome = await WriteChunkAsync(token, chunk, ct).ConfigureAwait(false);
            if (outcome != WriteOutcome.Written)
                return outcome;
        }

        return WriteOutcome.Written;
    }

    public async Task<AlterPartitionOutcome> AlterPartitionAsync(PartitionState proposed, int expectedPartitionEpoch, CancellationToken ct)
    {
        PartitionStateValidation.Validate(proposed);
        for (var attempt = 1; attempt <= ConflictBackoff.MaxAttempts; attempt++)
        {
            var (row, current) = await ReadVisiblePartitionAsync(proposed.Topic, proposed.Partition, ct).ConfigureAwait(false);
            var (status, next) = AlterPartitionRules.Decide(current, proposed, expectedPartitionEpoch);
            if (status != AlterPartitionStatus.Altered)
                return new AlterPartitionOutcome(status, current);

            var version = await ReadVersionAsync(ct).ConfigureAwait(false);
            var entity = ToEntity(next!, row!.GetGuid(TableColumns.TopicId)!.Value);
            // If-Match on the row read above is the compare-and-swap on its partition epoch.
            var replace = new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, row.ETag);
            if (await TrySubmitAsync([replace, BumpVersion(version)], nameof(AlterPartitionAsync), attempt, ct).ConfigureAwait(false) is not null)
                return new AlterPartitionOutcome(AlterPartitionStatus.Altered, next);
            // Either the row or the version row moved: the re-read decides which outcome that is.
            await ConflictBackoff.DelayAsync(attempt, ct).ConfigureAwait(false);
        }

        throw ConflictBackoff.GiveUp($"altering partition {proposed.Topic}-{proposed.Partition}");
    }

    public async Task<PartitionState?> GetPartitionStateAsync(string topic, int partition, CancellationToken ct)
    {
        MetadataValidation.ValidateTopicName(topic);
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        return (await ReadVisiblePartitionAsync(topic, partition, ct).ConfigureAwait(false)).State;
    }

    public async Task<IReadOnlyList<PartitionState>> ListPartitionStatesAsync(CancellationToken ct)
    {
        var ranges = await ReadRangesFencedAsync([TableKeys.TopicPrefix, TableKeys.PartitionPrefix], ct).ConfigureAwait(false);
        var liveTopicIds = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var topic in ranges[0])
        {
            var live = ToTopic(topic);
            liveTopicIds[live.Name] = live.TopicId;
        }

        var states = new List<PartitionState>(ranges[1].Count);
        foreach (var row in ranges[1])
        {
            var state = ToPartitionState(row);
            if (liveTopicIds.TryGetValue(state.Topic, out var id) && id == row.GetGuid(TableColumns.TopicId))
                states.Add(state);
        }

        states.Sort(PartitionStateValidation.Compare);
        return states;
    }

    /// <summary>
    /// The live partition states of one topic, by partition: one range query and one point read, for callers (the
    /// control plane) that look at a single topic and must not list the whole cluster. The partition rows are read
    /// before the topic row, as in <see cref="ReadVisiblePartitionAsync"/>, so a row shown was live. Empty when the
    /// topic does not exist or its controller has not written any partition yet.
    /// </summary>
    public async Task<IReadOnlyList<PartitionState>> ListTopicPartitionStatesAsync(string topic, CancellationToken ct)
    {
        MetadataValidation.ValidateTopicName(topic);
        var rows = await ReadRangeAsync(TableKeys.PartitionTopicPrefix(topic), ct).ConfigureAwait(false);
        var topicRow = await ReadRowAsync(TableKeys.TopicRow(topic), ct).ConfigureAwait(false);
        if (topicRow?.GetGuid(TableColumns.TopicId) is not { } liveId)
            return [];
        var states = new List<PartitionState>(rows.Count);
        foreach (var row in rows)
            if (row.GetGuid(TableColumns.TopicId) == liveId) states.Add(ToPartitionState(row));
        states.Sort(PartitionStateValidation.Compare);
        return states;
    }

    private async Task<WriteOutcome> WriteChunkAsync(ControllerToken token, (PartitionState State, int? ExpectedPartitionEpoch)[] chunk, CancellationToken ct)
    {
        await token.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; attempt <= ConflictBackoff.MaxAttempts; attempt++)
            {
                var actions = await PlanChunkAsync(chunk, ct).ConfigureAwait(false);
                if (actions is null)
                    return WriteOutcome.Conflict;

                var version = await ReadVersionAsync(ct).ConfigureAwait(false);
                // The lease row goes first, guarded by the token: the fence. Its merge gives it a new
                // ETag, which the token adopts, so the next write is fenced against this one too.
                actions.Insert(0, new TableTransactionAction(TableTransactionActionType.UpdateMerge, LeaseTouch(), new ETag(token.LeaseTag)));
                actions.Add(BumpVersion(version));
                if (await TrySubmitAsync(actions, nameof(WritePartitionStatesAsync), attempt, ct).ConfigureAwait(false) is { } responses)
                {
                    token.LeaseTag = await LeaseTagAfterWriteAsync(token.Lease, responses, ct).ConfigureAwait(false);
                    return WriteOutcome.Written;
                }

                var lease = await ReadRowAsync(TableKeys.ControllerRow, ct).ConfigureAwait(false);
                if (lease is null || !string.Equals(lease.ETag.ToString(), token.LeaseTag, StringComparison.Ordinal))
                {
                    TableMetadataStoreLog.ControllerFenced(_logger, token.ControllerId, token.Epoch);
                    return WriteOutcome.Fenced;
                }

                // The lease held, so a partition row or the version row moved: re-plan from fresh reads.
                await ConflictBackoff.DelayAsync(attempt, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            token.Gate.Release();
        }

        throw ConflictBackoff.GiveUp($"writing partition states as controller {token.ControllerId}");
    }

    /// <summary>The partition-row actions of a chunk, each guarded by the row version that holds the expected epoch; null when an expectation fails.</summary>
    private async Task<List<TableTransactionAction>?> PlanChunkAsync((PartitionState State, int? ExpectedPartitionEpoch)[] chunk, CancellationToken ct)
    {
        var topicIds = new Dictionary<string, Guid>(StringComparer.Ordinal);
        var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        foreach (var name in chunk.Select(c => c.State.Topic).Distinct(StringComparer.Ordinal))
        {
            var topic = await ReadRowAsync(TableKeys.TopicRow(name), ct).ConfigureAwait(false);
            if (topic is null)
                return null;
            topicIds[name] = topic.GetGuid(TableColumns.TopicId) ?? throw CorruptRow(topic, TableColumns.TopicId);
            foreach (var row in await ReadRangeAsync(TableKeys.PartitionTopicPrefix(name), ct).ConfigureAwait(false))
                rows[row.RowKey] = row;
        }

        var actions = new List<TableTransactionAction>(chunk.Length + 2);
        foreach (var (state, expected) in chunk)
        {
            var topicId = topicIds[state.Topic];
            var entity = ToEntity(state, topicId);
            rows.TryGetValue(entity.RowKey, out var row);
            // A row left by a deleted incarnation of the topic name counts as absent: it is invisible
            // to readers and the write replaces it (guarded by its ETag like any other).
            var live = row is not null && row.GetGuid(TableColumns.TopicId) == topicId ? row : null;
            if (live?.GetInt32(TableColumns.PartitionEpoch) != expected)
                return null;
            actions.Add(row is null
                ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, row.ETag));
        }

        return actions;
    }

    /// <summary>
    /// The partition row if its topic's live incarnation wrote it. The partition row is read before
    /// the topic row: a topic delete removes the topic row no later than its partition rows, so a
    /// topic row still present (with the same id) after the read proves the partition row was live.
    /// </summary>
    private async Task<(TableEntity? Row, PartitionState? State)> ReadVisiblePartitionAsync(string topic, int partition, CancellationToken ct)
    {
        var row = await ReadRowAsync(TableKeys.PartitionRow(topic, partition), ct).ConfigureAwait(false);
        if (row is null)
            return (null, null);
        var topicRow = await ReadRowAsync(TableKeys.TopicRow(topic), ct).ConfigureAwait(false);
        if (topicRow is null || topicRow.GetGuid(TableColumns.TopicId) != row.GetGuid(TableColumns.TopicId))
            return (null, null);
        return (row, ToPartitionState(row));
    }

    /// <summary>
    /// Deletes partition rows of <paramref name="topic"/> not owned by its live incarnation (all of
    /// them once the topic is gone), at most 99 per transaction with the version bump. Each row is
    /// guarded by its ETag, so a row the controller rewrote meanwhile is re-read, not lost silently.
    /// </summary>
    private async Task DeleteStalePartitionRowsAsync(string topic, CancellationToken ct)
    {
        for (var attempt = 1; attempt <= ConflictBackoff.MaxAttempts; attempt++)
        {
            var topicRow = await ReadRowAsync(TableKeys.TopicRow(topic), ct).ConfigureAwait(false);
            var liveId = topicRow?.GetGuid(TableColumns.TopicId);
            var stale = (await ReadRangeAsync(TableKeys.PartitionTopicPrefix(topic), ct).ConfigureAwait(false))
                .Where(r => liveId is null || r.GetGuid(TableColumns.TopicId) != liveId)
                .Take(MaxEntitiesPerTransaction - 1)
                .ToList();
            if (stale.Count == 0)
                return;

            var version = await ReadVersionAsync(ct).ConfigureAwait(false);
            var actions = stale.Select(DeleteAction).ToList();
            actions.Add(BumpVersion(version));
            if (await TrySubmitAsync(actions, nameof(DeleteTopicAsync), attempt, ct).ConfigureAwait(false) is null)
                await ConflictBackoff.DelayAsync(attempt, ct).ConfigureAwait(false);
        }

        throw ConflictBackoff.GiveUp($"deleting the partition states of topic {topic}");
    }

    private static TableTransactionAction DeleteAction(TableEntity row) =>
        new(TableTransactionActionType.Delete, new TableEntity(row.PartitionKey, row.RowKey), row.ETag);

    private static TableEntity ToEntity(PartitionState state, Guid topicId)
    {
        var entity = new TableEntity(TableKeys.ClusterPartition, TableKeys.PartitionRow(state.Topic, state.Partition))
        {
            [TableColumns.Topic] = state.Topic,
            [TableColumns.TopicId] = topicId,
            [TableColumns.Partition] = state.Partition,
            [TableColumns.Replicas] = PartitionStateValidation.Join(state.Replicas),
            [TableColumns.Leader] = state.Leader,
            [TableColumns.LeaderEpoch] = state.LeaderEpoch,
            [TableColumns.Isr] = PartitionStateValidation.Join(state.Isr),
            [TableColumns.PartitionEpoch] = state.PartitionEpoch,
        };
        // Absent when there is no reassignment: a replace then drops the columns of a finished one.
        if (state.AddingReplicas is { Count: > 0 } adding)
            entity[TableColumns.AddingReplicas] = PartitionStateValidation.Join(adding);
        if (state.RemovingReplicas is { Count: > 0 } removing)
            entity[TableColumns.RemovingReplicas] = PartitionStateValidation.Join(removing);
        return entity;
    }

    private static PartitionState ToPartitionState(TableEntity row) =>
        new(
            row.GetString(TableColumns.Topic) ?? throw CorruptRow(row, TableColumns.Topic),
            row.GetInt32(TableColumns.Partition) ?? throw CorruptRow(row, TableColumns.Partition),
            PartitionStateValidation.Split(row.GetString(TableColumns.Replicas)),
            row.GetInt32(TableColumns.Leader) ?? throw CorruptRow(row, TableColumns.Leader),
            row.GetInt32(TableColumns.LeaderEpoch) ?? throw CorruptRow(row, TableColumns.LeaderEpoch),
            PartitionStateValidation.Split(row.GetString(TableColumns.Isr)),
            row.GetInt32(TableColumns.PartitionEpoch) ?? throw CorruptRow(row, TableColumns.PartitionEpoch),
            OptionalIds(row.GetString(TableColumns.AddingReplicas)),
            OptionalIds(row.GetString(TableColumns.RemovingReplicas)));

    private static int[]? OptionalIds(string? column) => string.IsNullOrEmpty(column) ? null : PartitionStateValidation.Split(column);
}

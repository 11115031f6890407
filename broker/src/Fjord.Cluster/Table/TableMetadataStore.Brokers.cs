using Azure;
using Azure.Data.Tables;

namespace Fjord.Cluster;

public sealed partial class TableMetadataStore
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(int NodeId, Guid Incarnation), ETag> _heartbeatTags = new();

    public async Task RegisterBrokerAsync(BrokerRegistration registration, CancellationToken ct)
    {
        MetadataValidation.ValidateRegistration(registration);
        var entity = new TableEntity(TableKeys.ClusterPartition, TableKeys.BrokerRow(registration.NodeId))
        {
            [TableColumns.NodeId] = registration.NodeId,
            [TableColumns.IncarnationId] = registration.IncarnationId,
            [TableColumns.Endpoints] = MetadataValidation.SerializeEndpoints(registration),
            [TableColumns.Rack] = registration.Rack,
            [TableColumns.LastHeartbeat] = registration.LastHeartbeat,
            [TableColumns.ShuttingDown] = registration.ShuttingDown,
        };
        for (var attempt = 1; attempt <= ConflictBackoff.MaxAttempts; attempt++)
        {
            var version = await ReadVersionAsync(ct).ConfigureAwait(false);
            // Membership is metadata (Metadata responses list the brokers), so registration bumps
            // the version in the same transaction; the upsert replaces any older incarnation.
            var upsert = new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity);
            if (await TryCommitAsync(upsert, version, nameof(RegisterBrokerAsync), attempt, ct).ConfigureAwait(false))
                return;
            await ConflictBackoff.DelayAsync(attempt, ct).ConfigureAwait(false);
        }

        throw ConflictBackoff.GiveUp($"registering broker {registration.NodeId}");
    }

    public async Task HeartbeatAsync(int nodeId, Guid incarnationId, CancellationToken ct)
    {
        var rowKey = TableKeys.BrokerRow(nodeId);
        // The row version our own last renewal left: while nobody else wrote the row (a new
        // incarnation registering would), one conditional merge renews the lease; a 412 sends us
        // back to read-and-check, which is where fencing is decided.
        if (_heartbeatTags.TryGetValue((nodeId, incarnationId), out var lastTag))
        {
            var renewal = new TableEntity(TableKeys.ClusterPartition, rowKey) { [TableColumns.LastHeartbeat] = _time.GetUtcNow() };
            try
            {
                var renewed = await _table.UpdateEntityAsync(renewal, lastTag, TableUpdateMode.Merge, ct).ConfigureAwait(false);
                if (renewed.Headers.ETag is { } tag) _heartbeatTags[(nodeId, incarnationId)] = tag;
                else _heartbeatTags.TryRemove((nodeId, incarnationId), out _);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                _heartbeatTags.TryRemove((nodeId, incarnationId), out _);
            }
        }

        for (var attempt = 1; attempt <= ConflictBackoff.MaxAttempts; attempt++)
        {
            var row = await ReadRowAsync(rowKey, ct).ConfigureAwait(false);
            var registered = row?.GetGuid(TableColumns.IncarnationId);
            if (row is null || registered != incarnationId)
            {
                TableMetadataStoreLog.BrokerFenced(_logger, nodeId, incarnationId, registered);
                throw new BrokerFencedException(nodeId, incarnationId, registered);
            }

            // A merge of the lease column only, outside any transaction and without touching the
            // version row: heartbeats never contend with metadata changes. If-Match on the row just
            // read closes the window in which a new incarnation could register between the check
            // and the write and have its lease renewed by the fenced one.
            var lease = new TableEntity(TableKeys.ClusterPartition, rowKey) { [TableColumns.LastHeartbeat] = _time.GetUtcNow() };
            try
            {
                var renewed = await _table.UpdateEntityAsync(lease, row.ETag, TableUpdateMode.Merge, ct).ConfigureAwait(false);
                if (renewed.Headers.ETag is { } tag) _heartbeatTags[(nodeId, incarnationId)] = tag;
                return;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                TableMetadataStoreLog.WriteConflict(_logger, nameof(HeartbeatAsync), attempt);
            }
        }

        throw ConflictBackoff.GiveUp($"renewing the lease of broker {nodeId}");
    }

    /// <remarks>
    /// One query, not fenced by the version row as the other listings are: the controller calls this
    /// every tick, and a fence would triple its cost. A listing torn across pages is harmless here:
    /// each row is read whole, liveness is judged per row, and a registration also bumps the version,
    /// which makes every reader look again.
    /// </remarks>
    public async Task<IReadOnlyList<BrokerRegistration>> ListBrokersAsync(CancellationToken ct)
    {
        var rows = await ReadRangeAsync(TableKeys.BrokerPrefix, ct).ConfigureAwait(false);
        var brokers = new List<BrokerRegistration>(rows.Count);
        foreach (var row in rows)
            brokers.Add(ToRegistration(row));
        brokers.Sort((a, b) => a.NodeId.CompareTo(b.NodeId));
        return brokers;
    }

    private static BrokerRegistration ToRegistration(TableEntity row) =>
        new(
            row.GetInt32(TableColumns.NodeId) ?? throw CorruptRow(row, TableColumns.NodeId),
            row.GetGuid(TableColumns.IncarnationId) ?? throw CorruptRow(row, TableColumns.IncarnationId),
            MetadataValidation.DeserializeEndpoints(row.GetString(TableColumns.Endpoints)),
            row.GetString(TableColumns.Rack),
            row.GetDateTimeOffset(TableColumns.LastHeartbeat) ?? throw CorruptRow(row, TableColumns.LastHeartbeat),
            row.GetBoolean(TableColumns.ShuttingDown) ?? false);
}

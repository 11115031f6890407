using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace Fjord.Cluster;

/// <summary>
/// The brokers' status rows in Azure Table storage: one partition, RowKey the node id (10 digits, so rows list in
/// node order), typed columns. A row this code cannot read (a column missing or of another type) is skipped, so one
/// bad row does not hide every broker's status.
/// </summary>
/// <remarks>
/// Not a versioned table like the ACLs or tenants: nobody caches these rows or needs a consistent snapshot of them,
/// and each row has exactly one writer, so an unconditional replace is always right.
/// </remarks>
public sealed class TableBrokerStatusStore : IBrokerStatusStore
{
    public const string DefaultTableName = "fjordbrokerstatus";

    private const string Partition = "broker";
    private const string NodeIdColumn = "NodeId";
    private const string IncarnationIdColumn = "IncarnationId";
    private const string VersionColumn = "Version";
    private const string StartedAtColumn = "StartedAt";
    private const string UpdatedAtColumn = "UpdatedAt";
    private const string RefreshMsColumn = "RefreshMs";
    private const string LeaderPartitionsColumn = "LeaderPartitions";
    private const string FollowerPartitionsColumn = "FollowerPartitions";
    private const string UnderReplicatedColumn = "UnderReplicatedPartitions";
    private const string LagSegmentsColumn = "TierLagSegments";
    private const string LagBytesColumn = "TierLagBytes";
    private const string OldestWaitingSinceColumn = "TierOldestWaitingSince";
    private const string FailingPartitionsColumn = "TierFailingPartitions";
    private const string LastErrorKindColumn = "TierLastErrorKind";

    private readonly TableClient _table;

    public TableBrokerStatusStore(TableServiceClient service, string tableName = DefaultTableName)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        _table = service.GetTableClient(tableName);
    }

    public string TableName => _table.Name;

    public async Task InitializeAsync(CancellationToken ct) => await _table.CreateIfNotExistsAsync(ct).ConfigureAwait(false);

    public async Task WriteAsync(BrokerStatus status, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(status);
        var entity = new TableEntity(Partition, status.NodeId.ToString("D10", CultureInfo.InvariantCulture))
        {
            [NodeIdColumn] = status.NodeId,
            [IncarnationIdColumn] = status.IncarnationId,
            [VersionColumn] = status.Version,
            [StartedAtColumn] = status.StartedAt,
            [UpdatedAtColumn] = status.UpdatedAt,
            [RefreshMsColumn] = (long)status.RefreshInterval.TotalMilliseconds,
            [LeaderPartitionsColumn] = status.LeaderPartitions,
            [FollowerPartitionsColumn] = status.FollowerPartitions,
            [UnderReplicatedColumn] = status.UnderReplicatedPartitions,
            [LagSegmentsColumn] = status.TierLag.Segments,
            [LagBytesColumn] = status.TierLag.Bytes,
            [OldestWaitingSinceColumn] = status.TierLag.OldestWaitingSince,
            [FailingPartitionsColumn] = status.TierLag.FailingPartitions,
            [LastErrorKindColumn] = status.TierLag.LastErrorKind,
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<BrokerStatus>> ListAsync(CancellationToken ct)
    {
        var rows = new List<BrokerStatus>();
        try
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
            await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
                if (Read(entity) is { } status) rows.Add(status);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No broker has published yet (or brokers older than the status rows run): nothing to show, not an error.
            return [];
        }
        rows.Sort((a, b) => a.NodeId.CompareTo(b.NodeId));
        return rows;
    }

    private static BrokerStatus? Read(TableEntity row)
    {
        if (row.GetInt32(NodeIdColumn) is not { } nodeId
            || row.GetGuid(IncarnationIdColumn) is not { } incarnation
            || row.GetDateTimeOffset(StartedAtColumn) is not { } startedAt
            || row.GetDateTimeOffset(UpdatedAtColumn) is not { } updatedAt
            || row.GetInt64(RefreshMsColumn) is not { } refreshMs)
            return null;
        var lag = new BrokerTierLag(
            row.GetInt32(LagSegmentsColumn) ?? 0,
            row.GetInt64(LagBytesColumn) ?? 0,
            row.GetDateTimeOffset(OldestWaitingSinceColumn),
            row.GetInt32(FailingPartitionsColumn) ?? 0,
            row.GetString(LastErrorKindColumn));
        return new BrokerStatus(nodeId, incarnation, row.GetString(VersionColumn) ?? "", startedAt, updatedAt, TimeSpan.FromMilliseconds(refreshMs),
            row.GetInt32(LeaderPartitionsColumn) ?? 0, row.GetInt32(FollowerPartitionsColumn) ?? 0, row.GetInt32(UnderReplicatedColumn) ?? 0, lag);
    }
}

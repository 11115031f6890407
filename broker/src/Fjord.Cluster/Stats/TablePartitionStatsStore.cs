using System.Globalization;
using Azure.Data.Tables;

namespace Fjord.Cluster;

/// <summary>
/// The partition stats table (<c>fjord.partition.stats.table</c>, default <c>fjordpartitionstats</c>): one row per
/// partition, keyed by the escaped stored topic name (partition key) and the partition number (row key), so one
/// topic's rows are written in one transaction and read with one query. Leaders write; the control plane reads.
/// </summary>
public sealed class TablePartitionStatsStore
{
    public const string DefaultTableName = "fjordpartitionstats";

    /// <summary>Table storage's limit on the actions of one entity group transaction.</summary>
    public const int MaxTransactionActions = 100;

    private const string TopicColumn = "Topic";
    private const string TopicIdColumn = "TopicId";
    private const string PartitionColumn = "Partition";
    private const string LeaderIdColumn = "LeaderId";
    private const string LeaderEpochColumn = "LeaderEpoch";
    private const string LogStartOffsetColumn = "LogStartOffset";
    private const string LocalLogStartOffsetColumn = "LocalLogStartOffset";
    private const string HighWatermarkColumn = "HighWatermark";
    private const string LogEndOffsetColumn = "LogEndOffset";
    private const string LocalSizeBytesColumn = "LocalSizeBytes";
    private const string UpdatedAtColumn = "UpdatedAt";
    private const string SamplesColumn = "HighWatermarkSamples";

    private readonly TableClient _table;

    public TablePartitionStatsStore(TableServiceClient service, string tableName = DefaultTableName)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        _table = service.GetTableClient(tableName);
    }

    public string TableName => _table.Name;

    public Task InitializeAsync(CancellationToken ct) => _table.CreateIfNotExistsAsync(ct);

    /// <summary>
    /// Upserts the rows, one transaction per topic and 100 rows: <c>ceil(rows of a topic / 100)</c> Table
    /// operations per topic. Each transaction is atomic; on failure some topics may be written and others not,
    /// which the next interval corrects.
    /// </summary>
    public async Task WriteAsync(IReadOnlyList<PartitionStats> rows, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var topic in rows.GroupBy(r => r.Topic, StringComparer.Ordinal))
        {
            foreach (var chunk in topic.Chunk(MaxTransactionActions))
            {
                if (chunk.Length == 1)
                    await _table.UpsertEntityAsync(ToEntity(chunk[0]), TableUpdateMode.Replace, ct).ConfigureAwait(false);
                else
                    await _table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(r))), ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The row of partition <paramref name="partition"/> of the stored topic, or null.</summary>
    public async Task<PartitionStats?> ReadAsync(string topic, int partition, CancellationToken ct)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Encode(topic), RowKey(partition), cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    /// <summary>Every row of the stored topic (one query), by partition; empty when the table does not exist yet.</summary>
    public async Task<IReadOnlyList<PartitionStats>> ReadTopicAsync(string topic, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Encode(topic)}");
        var rows = new List<PartitionStats>();
        try
        {
            await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
                rows.Add(FromEntity(row));
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return [];
        }
        return rows;
    }

    private static string RowKey(int partition) => partition.ToString("D10", CultureInfo.InvariantCulture);

    private static TableEntity ToEntity(PartitionStats stats) => new(TableKeys.Encode(stats.Topic), RowKey(stats.Partition))
    {
        [TopicColumn] = stats.Topic,
        [TopicIdColumn] = stats.TopicId,
        [PartitionColumn] = stats.Partition,
        [LeaderIdColumn] = stats.LeaderId,
        [LeaderEpochColumn] = stats.LeaderEpoch,
        [LogStartOffsetColumn] = stats.LogStartOffset,
        [LocalLogStartOffsetColumn] = stats.LocalLogStartOffset,
        [HighWatermarkColumn] = stats.HighWatermark,
        [LogEndOffsetColumn] = stats.LogEndOffset,
        [LocalSizeBytesColumn] = stats.LocalSizeBytes,
        [UpdatedAtColumn] = stats.UpdatedAt,
        [SamplesColumn] = SampleHistory.Encode([.. stats.HighWatermarkSamples]),
    };

    private static PartitionStats FromEntity(TableEntity row) => new(
        row.GetString(TopicColumn) ?? TableKeys.Decode(row.PartitionKey),
        row.GetGuid(TopicIdColumn) ?? Guid.Empty,
        row.GetInt32(PartitionColumn) ?? int.Parse(row.RowKey, CultureInfo.InvariantCulture),
        row.GetInt32(LeaderIdColumn) ?? -1,
        row.GetInt32(LeaderEpochColumn) ?? -1,
        row.GetInt64(LogStartOffsetColumn) ?? 0,
        row.GetInt64(LocalLogStartOffsetColumn) ?? 0,
        row.GetInt64(HighWatermarkColumn) ?? 0,
        row.GetInt64(LogEndOffsetColumn) ?? 0,
        row.GetInt64(LocalSizeBytesColumn) ?? 0,
        row.GetDateTimeOffset(UpdatedAtColumn) ?? DateTimeOffset.UnixEpoch,
        SampleHistory.Decode(row.GetBinary(SamplesColumn) ?? []));
}

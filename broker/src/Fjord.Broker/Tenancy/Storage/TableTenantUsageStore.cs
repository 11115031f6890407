using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace Fjord.Broker.Tenancy.Storage;

/// <summary>
/// The storage figures in Azure Table storage: PartitionKey the tenant id, RowKey the broker id, a long
/// RetainedBytes and the writer's UpdatedAt. Each row has one writer (its broker), so writes are unconditional
/// replaces; a reader may see one broker's newer figure beside another's older one, which the limit tolerates.
/// </summary>
public sealed class TableTenantUsageStore : ITenantUsageStore
{
    public const string DefaultTableName = "fjordtenantusage";

    private const string RetainedBytesColumn = "RetainedBytes";
    private const string UpdatedAtColumn = "UpdatedAt";

    private readonly TableClient _table;

    public TableTenantUsageStore(TableServiceClient service, string tableName = DefaultTableName)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        TableName = tableName;
        _table = service.GetTableClient(tableName);
    }

    public string TableName { get; }

    public async Task InitializeAsync(CancellationToken ct) => await _table.CreateIfNotExistsAsync(ct).ConfigureAwait(false);

    public async Task<IReadOnlyList<TenantUsageRow>> ListAsync(CancellationToken ct)
    {
        var rows = new List<TenantUsageRow>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(cancellationToken: ct).ConfigureAwait(false))
        {
            // A row this code did not write (a malformed key or column) is skipped rather than failing every tick.
            if (!int.TryParse(entity.RowKey, NumberStyles.None, CultureInfo.InvariantCulture, out var brokerId)) continue;
            if (entity.GetInt64(RetainedBytesColumn) is not { } bytes) continue;
            rows.Add(new TenantUsageRow(entity.PartitionKey, brokerId, bytes, entity.GetDateTimeOffset(UpdatedAtColumn) ?? entity.Timestamp ?? DateTimeOffset.MinValue));
        }
        return rows;
    }

    public async Task WriteAsync(string tenantId, int brokerId, long retainedBytes, DateTimeOffset updatedAt, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var entity = new TableEntity(tenantId, RowKey(brokerId))
        {
            [RetainedBytesColumn] = retainedBytes,
            [UpdatedAtColumn] = updatedAt,
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string tenantId, int brokerId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        try
        {
            await _table.DeleteEntityAsync(tenantId, RowKey(brokerId), ETag.All, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    private static string RowKey(int brokerId) => brokerId.ToString(CultureInfo.InvariantCulture);
}

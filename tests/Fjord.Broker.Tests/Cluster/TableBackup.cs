using Azure.Data.Tables;

namespace Fjord.Broker.Tests.Cluster;

/// <summary>
/// Every row of a table as read at one moment: what an operator's backup of the metadata store holds,
/// restored the way an operator would (re-create the table, write the rows back).
/// </summary>
internal sealed class TableBackup
{
    private readonly TableServiceClient _service;
    private readonly string _table;
    private readonly List<TableEntity> _rows;

    private TableBackup(TableServiceClient service, string table, List<TableEntity> rows)
    {
        _service = service;
        _table = table;
        _rows = rows;
    }

    public int Rows => _rows.Count;

    public static async Task<TableBackup> TakeAsync(TableServiceClient service, string table)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in service.GetTableClient(table).QueryAsync<TableEntity>())
            rows.Add(row);
        return new TableBackup(service, table, rows);
    }

    public async Task RestoreAsync()
    {
        var table = _service.GetTableClient(_table);
        await table.CreateIfNotExistsAsync();
        foreach (var row in _rows)
        {
            var copy = new TableEntity(row.PartitionKey, row.RowKey);
            foreach (var (key, value) in row)
                if (key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag"))
                    copy[key] = value;
            await table.UpsertEntityAsync(copy, TableUpdateMode.Replace);
        }
    }
}

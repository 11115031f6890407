using Azure;
using Azure.Data.Tables;
using Fjord.Security.Storage;

namespace Fjord.Security.Quotas;

/// <summary>
/// Client quotas in Azure Table storage, shared by every broker: one row per entity with a double column per quota
/// key. Each change commits together with a bump of the version row, guarded by the row's ETag, in one
/// transaction: brokers learn of any change by reading that single row, and two brokers writing at once can never
/// both bump from the same version.
/// </summary>
public sealed class TableClientQuotaStore : IClientQuotaStore
{
    public const string DefaultTableName = "fjordquotas";

    private static readonly string[] EntityTypes = [ClientQuotaEntity.ClientId, ClientQuotaEntity.Ip, ClientQuotaEntity.Tenant, ClientQuotaEntity.User];

    private readonly TableClient _table;
    private readonly VersionedTable _versioned;

    public TableClientQuotaStore(TableServiceClient service, string tableName = DefaultTableName)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        TableName = tableName;
        _table = service.GetTableClient(tableName);
        _versioned = new VersionedTable(_table, ClientQuotaTableKeys.Partition, ClientQuotaTableKeys.VersionRow, "the client quota table");
    }

    public string TableName { get; }

    public async Task InitializeAsync(CancellationToken ct) => await _table.CreateIfNotExistsAsync(ct).ConfigureAwait(false);

    public async Task<long> ReadVersionAsync(CancellationToken ct) => (await _versioned.ReadVersionAsync(ct).ConfigureAwait(false)).Version;

    public async Task<(IReadOnlyList<ClientQuotaRecord> Quotas, long Version)> LoadAsync(CancellationToken ct) =>
        await _versioned.LoadAsync<ClientQuotaRecord>(row => TryRead(row, out var item) ? item : null, ct).ConfigureAwait(false);

    public Task AlterAsync(ClientQuotaEntity entity, IReadOnlyList<ClientQuotaAlteration> alterations, CancellationToken ct) =>
        AlterCoreAsync(entity, alterations, precondition: null, ct);

    public Task<bool> AlterIfAsync(ClientQuotaEntity entity, IReadOnlyList<ClientQuotaAlteration> alterations,
        Func<IReadOnlyDictionary<string, double>, bool> precondition, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(precondition);
        return AlterCoreAsync(entity, alterations, precondition, ct);
    }

    private async Task<bool> AlterCoreAsync(ClientQuotaEntity entity, IReadOnlyList<ClientQuotaAlteration> alterations,
        Func<IReadOnlyDictionary<string, double>, bool>? precondition, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(alterations);
        var rowKey = ClientQuotaTableKeys.Row(entity);
        for (var attempt = 1; ; attempt++)
        {
            var version = await _versioned.ReadVersionAsync(ct).ConfigureAwait(false);
            var existing = await ReadRowAsync(rowKey, ct).ConfigureAwait(false);
            var values = existing is not null && TryRead(existing, out var current) && current.Entity.Equals(entity)
                ? new Dictionary<string, double>(current.Values, StringComparer.Ordinal)
                : new Dictionary<string, double>(StringComparer.Ordinal);
            if (precondition is not null && !precondition(values))
                return false;
            foreach (var (key, value) in alterations)
            {
                if (value is { } v) values[key] = v;
                else values.Remove(key);
            }
            TableTransactionAction action;
            if (values.Count == 0)
            {
                if (existing is null) return true;
                action = new TableTransactionAction(TableTransactionActionType.Delete, existing, existing.ETag);
            }
            else
            {
                var row = ToRow(rowKey, entity, values);
                // The entity row is guarded too: a writer that read it before another's change must not overwrite it.
                action = existing is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, row)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, existing.ETag);
            }
            if (await _versioned.TryCommitAsync([action], version, ct).ConfigureAwait(false))
                return true;
            await _versioned.BackOffAsync(attempt, ct).ConfigureAwait(false);
        }
    }

    private async Task<TableEntity?> ReadRowAsync(string rowKey, CancellationToken ct)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(ClientQuotaTableKeys.Partition, rowKey, cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }


    private static TableEntity ToRow(string rowKey, ClientQuotaEntity entity, Dictionary<string, double> values)
    {
        var row = new TableEntity(ClientQuotaTableKeys.Partition, rowKey)
        {
            [ClientQuotaTableKeys.TypesColumn] = string.Join(',', entity.Components.Select(c => c.Key)),
        };
        foreach (var (type, name) in entity.Components)
            if (name is not null) row[ClientQuotaTableKeys.NameColumn(type)] = name;
        foreach (var (key, value) in values)
            row[key] = value;
        return row;
    }

    /// <summary>A row with an entity type or quota key this version does not know is skipped, so a newer broker's rows do not break an older one.</summary>
    private static bool TryRead(TableEntity row, out ClientQuotaRecord record)
    {
        record = null!;
        var types = row.GetString(ClientQuotaTableKeys.TypesColumn);
        if (string.IsNullOrEmpty(types)) return false;
        var components = new List<(string, string?)>();
        foreach (var type in types.Split(','))
        {
            if (!EntityTypes.Contains(type, StringComparer.Ordinal)) return false;
            components.Add((type, row.GetString(ClientQuotaTableKeys.NameColumn(type))));
        }
        if (!ClientQuotaEntity.TryCreate(components, out var entity, out _)) return false;
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var key in ClientQuotaKeys.All)
            if (row.GetDouble(key) is { } value) values[key] = value;
        if (values.Count == 0) return false;
        record = new ClientQuotaRecord(entity, values);
        return true;
    }
}

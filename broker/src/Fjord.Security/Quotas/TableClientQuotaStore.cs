using Azure;
using Azure.Data.Tables;

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

    private const int MaxAttempts = 100;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(500);
    private static readonly string[] EntityTypes = [ClientQuotaEntity.ClientId, ClientQuotaEntity.Ip, ClientQuotaEntity.Tenant, ClientQuotaEntity.User];

    private readonly TableClient _table;

    public TableClientQuotaStore(TableServiceClient service, string tableName = DefaultTableName)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        TableName = tableName;
        _table = service.GetTableClient(tableName);
    }

    public string TableName { get; }

    public async Task InitializeAsync(CancellationToken ct) => await _table.CreateIfNotExistsAsync(ct).ConfigureAwait(false);

    public async Task<long> ReadVersionAsync(CancellationToken ct)
    {
        var row = await ReadRowAsync(ClientQuotaTableKeys.VersionRow, ct).ConfigureAwait(false);
        return row is null ? 0 : VersionOf(row);
    }

    public async Task<(IReadOnlyList<ClientQuotaRecord> Quotas, long Version)> LoadAsync(CancellationToken ct)
    {
        // A query spanning pages is no snapshot; every change bumps the version, so equal versions before and
        // after the query prove that nothing changed while it ran.
        for (var attempt = 1; ; attempt++)
        {
            var before = await ReadVersionAsync(ct).ConfigureAwait(false);
            var quotas = new List<ClientQuotaRecord>();
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ClientQuotaTableKeys.Partition}");
            await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
            {
                if (row.RowKey != ClientQuotaTableKeys.VersionRow && TryRead(row, out var record))
                    quotas.Add(record);
            }
            var after = await ReadVersionAsync(ct).ConfigureAwait(false);
            if (before == after)
                return (quotas, after);
            await BackoffAsync(attempt, ct).ConfigureAwait(false);
        }
    }

    public async Task AlterAsync(ClientQuotaEntity entity, IReadOnlyList<ClientQuotaAlteration> alterations, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(alterations);
        var rowKey = ClientQuotaTableKeys.Row(entity);
        for (var attempt = 1; ; attempt++)
        {
            var version = await ReadRowAsync(ClientQuotaTableKeys.VersionRow, ct).ConfigureAwait(false);
            var existing = await ReadRowAsync(rowKey, ct).ConfigureAwait(false);
            var values = existing is not null && TryRead(existing, out var current) && current.Entity.Equals(entity)
                ? new Dictionary<string, double>(current.Values, StringComparer.Ordinal)
                : new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (key, value) in alterations)
            {
                if (value is { } v) values[key] = v;
                else values.Remove(key);
            }
            TableTransactionAction action;
            if (values.Count == 0)
            {
                if (existing is null) return;
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
            if (await SubmitAsync([action], version, ct).ConfigureAwait(false))
                return;
            await BackoffAsync(attempt, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Commits the actions with the version bump; the version row's ETag (or its absence) guards the lot. False on a conflict.</summary>
    private async Task<bool> SubmitAsync(List<TableTransactionAction> actions, TableEntity? version, CancellationToken ct)
    {
        var next = new TableEntity(ClientQuotaTableKeys.Partition, ClientQuotaTableKeys.VersionRow)
        {
            ["Version"] = (version is null ? 0 : VersionOf(version)) + 1,
        };
        actions.Add(version is null
            ? new TableTransactionAction(TableTransactionActionType.Add, next)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, next, version.ETag));
        try
        {
            await _table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            return false;
        }
    }

    private async Task<TableEntity?> ReadRowAsync(string rowKey, CancellationToken ct)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(ClientQuotaTableKeys.Partition, rowKey, cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    private static long VersionOf(TableEntity row) => row.GetInt64("Version") ?? 0;

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

    private static Task BackoffAsync(int attempt, CancellationToken ct)
    {
        if (attempt >= MaxAttempts)
            throw new InvalidOperationException($"Client quota table stayed contended for {MaxAttempts} attempts");
        var cap = Math.Min(MaxBackoff.TotalMilliseconds, 5 * Math.Pow(2, Math.Min(attempt, 10)));
        return Task.Delay(TimeSpan.FromMilliseconds(cap * (0.5 + Random.Shared.NextDouble() / 2)), ct);
    }
}

using Azure.Data.Tables;
using Fjord.Security.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Columns = Fjord.Security.Tenancy.TenantTableColumns;

namespace Fjord.Security.Tenancy;

/// <summary>
/// <see cref="ITenantStore"/> on Azure Table storage: one row per tenant and one version row, all in one partition.
/// Every change commits together with a bump of the version row, guarded by its ETag, in one transaction, so two
/// writers conflict instead of losing a bump and brokers learn of any change from that single row. A list is
/// fenced by the version read before and after it, because a query over several pages is not a snapshot. A row
/// this version cannot read is logged and skipped: one bad row must not stop a broker from serving every other
/// tenant.
/// </summary>
public sealed partial class TableTenantStore : ITenantStore
{
    public const string DefaultTableName = "fjordtenants";

    private readonly TableClient _table;
    private readonly VersionedTable _versioned;
    private readonly ILogger _logger;

    public TableTenantStore(TableServiceClient service, string tableName = DefaultTableName, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        if (!IsValidTableName(tableName))
            throw new ArgumentException($"'{tableName}' is not a Table storage table name: 3 to 63 letters and digits, starting with a letter.", nameof(tableName));
        _table = service.GetTableClient(tableName);
        _versioned = new VersionedTable(_table, Columns.Partition, Columns.VersionRow, "the tenant table");
        _logger = logger ?? NullLogger.Instance;
    }

    public string TableName => _table.Name;

    public async Task InitializeAsync(CancellationToken ct) => await _table.CreateIfNotExistsAsync(ct).ConfigureAwait(false);

    public async Task<long> GetVersionAsync(CancellationToken ct) => (await _versioned.ReadVersionAsync(ct).ConfigureAwait(false)).Version;

    public async Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken ct)
    {
        var (tenants, _) = await _versioned.LoadAsync(TryRead, ct).ConfigureAwait(false);
        tenants.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return tenants;
    }

    public async Task<Tenant?> GetAsync(string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (TenantNamespace.IdProblem(id) is not null) return null;
        var row = await ReadRowAsync(id, ct).ConfigureAwait(false);
        return row is null ? null : TryRead(row);
    }

    public async Task<bool> CreateAsync(Tenant tenant, CancellationToken ct)
    {
        TenantValidation.Validate(tenant);
        var add = new TableTransactionAction(TableTransactionActionType.Add, ToRow(tenant));
        for (var attempt = 1; ; attempt++)
        {
            if (await TryCommitWithVersionBumpAsync(add, ct).ConfigureAwait(false)) return true;
            // A conflict is either the version moving or the row already existing; only the first is worth a retry.
            if (await ReadRowAsync(tenant.Id, ct).ConfigureAwait(false) is not null) return false;
            await _versioned.BackOffAsync(attempt, ct).ConfigureAwait(false);
        }
    }

    public async Task<Tenant?> UpdateAsync(string id, Func<Tenant, Tenant?> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(change);
        if (TenantNamespace.IdProblem(id) is not null) return null;
        for (var attempt = 1; ; attempt++)
        {
            var row = await ReadRowAsync(id, ct).ConfigureAwait(false);
            if (row is null || TryRead(row) is not { } current) return null;
            var next = change(current);
            if (next is null) return null;
            if (next.Id != current.Id) throw new ArgumentException($"A change of tenant {id} must keep its id (it returned {next.Id})", nameof(change));
            TenantValidation.Validate(next);
            // Nothing to write: no version bump, so caches are not made to reload for nothing.
            if (next == current) return current;
            var replace = new TableTransactionAction(TableTransactionActionType.UpdateReplace, ToRow(next), row.ETag);
            if (await TryCommitWithVersionBumpAsync(replace, ct).ConfigureAwait(false)) return next;
            await _versioned.BackOffAsync(attempt, ct).ConfigureAwait(false);
        }
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (TenantNamespace.IdProblem(id) is not null) return false;
        for (var attempt = 1; ; attempt++)
        {
            // The row need not be readable: deleting is how an operator gets rid of a corrupt one.
            var row = await ReadRowAsync(id, ct).ConfigureAwait(false);
            if (row is null) return false;
            var delete = new TableTransactionAction(TableTransactionActionType.Delete, row, row.ETag);
            if (await TryCommitWithVersionBumpAsync(delete, ct).ConfigureAwait(false)) return true;
            await _versioned.BackOffAsync(attempt, ct).ConfigureAwait(false);
        }
    }

    /// <returns>False when another writer moved the version, or the row changed or appeared or vanished, first.</returns>
    private async Task<bool> TryCommitWithVersionBumpAsync(TableTransactionAction action, CancellationToken ct) =>
        await _versioned.TryCommitAsync([action], await _versioned.ReadVersionAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);

    private async Task<TableEntity?> ReadRowAsync(string id, CancellationToken ct)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(Columns.Partition, id, cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    private static TableEntity ToRow(Tenant tenant)
    {
        var row = new TableEntity(Columns.Partition, tenant.Id)
        {
            [Columns.DisplayName] = tenant.DisplayName,
            [Columns.State] = tenant.State.ToString(),
            [Columns.ClusterId] = tenant.ClusterId,
            [Columns.CreatedAt] = tenant.CreatedAt,
        };
        if (tenant.Limits.MaxTopics is { } topics) row[Columns.MaxTopics] = topics;
        if (tenant.Limits.MaxPartitions is { } partitions) row[Columns.MaxPartitions] = partitions;
        if (tenant.Limits.MaxRetainedBytes is { } bytes) row[Columns.MaxRetainedBytes] = bytes;
        if (tenant.Limits.MaxConnections is { } connections) row[Columns.MaxConnections] = connections;
        return row;
    }

    /// <summary>The tenant in a row, or null (logged) when the row cannot be read: a missing column, a state this version does not know, a bad id.</summary>
    private Tenant? TryRead(TableEntity row)
    {
        try
        {
            var state = row.GetString(Columns.State);
            if (!Enum.TryParse<TenantState>(state, ignoreCase: false, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(state, out _))
                throw new FormatException($"state '{state}' is not one of {string.Join(", ", Enum.GetNames<TenantState>())}");
            var tenant = new Tenant(
                row.RowKey,
                row.GetString(Columns.DisplayName) ?? throw Missing(Columns.DisplayName),
                parsed,
                row.GetString(Columns.ClusterId) ?? throw Missing(Columns.ClusterId),
                new TenantLimits(row.GetInt32(Columns.MaxTopics), row.GetInt32(Columns.MaxPartitions), row.GetInt64(Columns.MaxRetainedBytes), row.GetInt32(Columns.MaxConnections)),
                row.GetDateTimeOffset(Columns.CreatedAt) ?? throw Missing(Columns.CreatedAt));
            TenantValidation.Validate(tenant);
            return tenant;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or InvalidCastException)
        {
            LogCorruptRow(e, TableName, row.RowKey);
            return null;
        }
    }

    private static FormatException Missing(string column) => new($"the {column} column is missing");

    private static bool IsValidTableName(string name) =>
        name.Length is >= 3 and <= 63 && char.IsAsciiLetter(name[0]) && name.All(char.IsAsciiLetterOrDigit);

    [LoggerMessage(EventId = 7710, Level = LogLevel.Error, Message = "Tenant table {Table}: row {RowKey} cannot be read and is skipped")]
    private partial void LogCorruptRow(Exception exception, string table, string rowKey);
}

using Azure;
using Azure.Data.Tables;
using Fjord.Security.Storage;

namespace Fjord.Security.Authorization;

/// <summary>
/// <see cref="IAclStore"/> on Azure Table storage: one row per binding and one version row, all in one partition
/// (see <see cref="AclTableKeys"/>). Every change commits with a bump of the version row in the same
/// transaction, guarded by the version row's ETag, so two brokers writing at once conflict instead of losing a
/// bump; the loser re-reads and retries. A load is fenced by the version read before and after it, because a
/// query over several pages is not a snapshot.
/// </summary>
public sealed class TableAclStore : IAclStore
{
    public const string DefaultTableName = "fjordacls";

    /// <summary>A transaction holds at most 100 entities; one is the version row.</summary>
    private const int BindingsPerTransaction = 99;

    private readonly TableClient _table;
    private readonly VersionedTable _versioned;

    public TableAclStore(TableServiceClient service, string tableName = DefaultTableName)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        if (!IsValidTableName(tableName))
            throw new ArgumentException($"'{tableName}' is not a Table storage table name: 3 to 63 letters and digits, starting with a letter.", nameof(tableName));
        _table = service.GetTableClient(tableName);
        _versioned = new VersionedTable(_table, AclTableKeys.Partition, AclTableKeys.VersionRow, "the ACL table");
    }

    public string TableName => _table.Name;

    public async Task InitializeAsync(CancellationToken ct) => await _table.CreateIfNotExistsAsync(ct).ConfigureAwait(false);

    public async Task<long> ReadVersionAsync(CancellationToken ct) => (await _versioned.ReadVersionAsync(ct).ConfigureAwait(false)).Version;

    public async Task<(IReadOnlyList<AclBinding> Acls, long Version)> LoadAsync(CancellationToken ct) =>
        await _versioned.LoadAsync(FromEntity, ct).ConfigureAwait(false);

    public async Task CreateAsync(IReadOnlyList<AclBinding> bindings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(bindings);
        foreach (var chunk in bindings.Distinct().Chunk(BindingsPerTransaction))
        {
            var actions = chunk.Select(b => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(b))).ToArray();
            await CommitWithVersionBumpAsync(actions, ct).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<AclBinding>> DeleteAsync(AclBindingFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var deleted = new List<AclBinding>();
        for (var attempt = 1; ; attempt++)
        {
            var (acls, _) = await LoadAsync(ct).ConfigureAwait(false);
            var matching = acls.Where(filter.Matches).ToArray();
            if (matching.Length == 0) return deleted;
            var chunk = matching.Take(BindingsPerTransaction).ToArray();
            var actions = chunk
                .Select(b => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(AclTableKeys.Partition, AclTableKeys.Row(b)), ETag.All))
                .ToArray();
            // A row another broker deleted first fails the whole transaction (404): reload and delete what is left.
            if (await TryCommitWithVersionBumpAsync(actions, ct).ConfigureAwait(false))
                deleted.AddRange(chunk);
            else
                await _versioned.BackOffAsync(attempt, ct).ConfigureAwait(false);
        }
    }

    private async Task CommitWithVersionBumpAsync(TableTransactionAction[] actions, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await TryCommitWithVersionBumpAsync(actions, ct).ConfigureAwait(false)) return;
            await _versioned.BackOffAsync(attempt, ct).ConfigureAwait(false);
        }
    }

    /// <returns>False when another writer moved the version (or removed a row) first.</returns>
    private async Task<bool> TryCommitWithVersionBumpAsync(TableTransactionAction[] actions, CancellationToken ct) =>
        await _versioned.TryCommitAsync(actions, await _versioned.ReadVersionAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);

    private static bool IsValidTableName(string name) =>
        name.Length is >= 3 and <= 63 && char.IsAsciiLetter(name[0]) && name.All(char.IsAsciiLetterOrDigit);

    private static TableEntity ToEntity(AclBinding binding) =>
        new(AclTableKeys.Partition, AclTableKeys.Row(binding))
        {
            [AclTableColumns.ResourceType] = (int)binding.Pattern.ResourceType,
            [AclTableColumns.ResourceName] = binding.Pattern.Name,
            [AclTableColumns.PatternType] = (int)binding.Pattern.PatternType,
            [AclTableColumns.Principal] = binding.Entry.Principal,
            [AclTableColumns.Host] = binding.Entry.Host,
            [AclTableColumns.Operation] = (int)binding.Entry.Operation,
            [AclTableColumns.PermissionType] = (int)binding.Entry.PermissionType,
        };

    private static AclBinding FromEntity(TableEntity row) =>
        new(
            new ResourcePattern(
                (ResourceType)Required(row.GetInt32(AclTableColumns.ResourceType), row, AclTableColumns.ResourceType),
                Required(row.GetString(AclTableColumns.ResourceName), row, AclTableColumns.ResourceName),
                (PatternType)Required(row.GetInt32(AclTableColumns.PatternType), row, AclTableColumns.PatternType)),
            new AccessControlEntry(
                Required(row.GetString(AclTableColumns.Principal), row, AclTableColumns.Principal),
                Required(row.GetString(AclTableColumns.Host), row, AclTableColumns.Host),
                (AclOperation)Required(row.GetInt32(AclTableColumns.Operation), row, AclTableColumns.Operation),
                (AclPermissionType)Required(row.GetInt32(AclTableColumns.PermissionType), row, AclTableColumns.PermissionType)));

    private static int Required(int? value, TableEntity row, string column) =>
        value ?? throw new FormatException($"ACL row '{row.RowKey}' has no {column}.");

    private static string Required(string? value, TableEntity row, string column) =>
        value ?? throw new FormatException($"ACL row '{row.RowKey}' has no {column}.");
}

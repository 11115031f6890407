using Azure;
using Azure.Data.Tables;

namespace Fjord.Security.Storage;

/// <summary>
/// One Table partition that brokers cache (ACLs, SCRAM credentials, tenants, quotas): every change commits in one
/// transaction with a bump of a version row, guarded by that row's ETag, so two writers never both succeed on the same
/// version and a poller learns of any change by reading one row. A listing spanning pages is checked against the
/// version before and after, so it never mixes two versions.
/// </summary>
/// <param name="what">Names the table in errors, e.g. "the ACL table".</param>
public sealed class VersionedTable(TableClient table, string partition, string versionRow, string what)
{
    public const string VersionColumn = "Version";
    private const int MaxAttempts = 100;

    public TableClient Table { get; } = table;

    public async Task<TableVersion> ReadVersionAsync(CancellationToken ct)
    {
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(partition, versionRow, cancellationToken: ct).ConfigureAwait(false);
        if (!response.HasValue) return new TableVersion(0, null);
        var row = response.Value!;
        return new TableVersion(row.GetInt64(VersionColumn) ?? throw new FormatException($"The version row of {what} has no {VersionColumn}."), row.ETag);
    }

    /// <summary>Commits <paramref name="actions"/> with the bump from <paramref name="read"/>.</summary>
    /// <returns>False when another writer moved the version, or a guarded row changed, appeared or vanished, first.</returns>
    public async Task<bool> TryCommitAsync(IEnumerable<TableTransactionAction> actions, TableVersion read, CancellationToken ct)
    {
        var next = new TableEntity(partition, versionRow) { [VersionColumn] = read.Version + 1 };
        var bump = read.ETag is { } etag
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, next, etag)
            : new TableTransactionAction(TableTransactionActionType.Add, next);
        try
        {
            await Table.SubmitTransactionAsync([.. actions, bump], ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            return false;
        }
    }

    /// <summary>Every row of the partition but the version row that <paramref name="read"/> turns into an item, as of one version.</summary>
    public async Task<(List<T> Items, long Version)> LoadAsync<T>(Func<TableEntity, T?> read, CancellationToken ct)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(read);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        for (var attempt = 1; ; attempt++)
        {
            var before = (await ReadVersionAsync(ct).ConfigureAwait(false)).Version;
            var items = new List<T>();
            await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
            {
                if (row.RowKey != versionRow && read(row) is { } item)
                    items.Add(item);
            }
            var after = (await ReadVersionAsync(ct).ConfigureAwait(false)).Version;
            if (before == after) return (items, after);
            // A change committed while the pages were read: they may mix two versions.
            await BackOffAsync(attempt, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Waits before retry <paramref name="attempt"/> of a read or write that lost a race; gives up after a hundred.</summary>
    public async Task BackOffAsync(int attempt, CancellationToken ct)
    {
        if (attempt >= MaxAttempts)
            throw new InvalidOperationException($"{what} kept changing under {MaxAttempts} attempts to read or write it.");
        // Jittered so racing writers spread out; capped so a contended retry stays well inside a request timeout.
        var ceilingMs = Math.Min(100, 1 << Math.Min(attempt, 7));
        await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, ceilingMs + 1)), ct).ConfigureAwait(false);
    }
}

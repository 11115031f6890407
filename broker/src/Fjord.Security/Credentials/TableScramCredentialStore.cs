using Azure;
using Azure.Data.Tables;

namespace Fjord.Security.Credentials;

/// <summary>
/// SCRAM credentials in Azure Table storage, shared by every broker. Each write or delete commits together with
/// a bump of the version row, guarded by the row's ETag, in one transaction: brokers learn of any change by
/// reading that single row, and two brokers writing at once can never both bump from the same version.
/// Salt and keys are binary columns, the iteration count an int; the password is never stored.
/// </summary>
public sealed class TableScramCredentialStore : IScramCredentialStore
{
    public const string DefaultTableName = "fjordscram";

    private const int MaxAttempts = 100;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(500);

    private readonly TableClient _table;

    public TableScramCredentialStore(TableServiceClient service, string tableName = DefaultTableName)
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
        var row = await ReadVersionRowAsync(ct).ConfigureAwait(false);
        return row is null ? 0 : VersionOf(row);
    }

    public async Task<(IReadOnlyList<UserScramCredential> Credentials, long Version)> LoadAsync(CancellationToken ct)
    {
        // A query spanning pages is no snapshot; every change bumps the version, so equal versions before and
        // after the query prove that nothing changed while it ran.
        for (var attempt = 1; ; attempt++)
        {
            var before = await ReadVersionAsync(ct).ConfigureAwait(false);
            var credentials = new List<UserScramCredential>();
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ScramTableKeys.Partition}");
            await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
            {
                if (row.RowKey != ScramTableKeys.VersionRow && TryRead(row, out var credential))
                    credentials.Add(credential);
            }

            var after = await ReadVersionAsync(ct).ConfigureAwait(false);
            if (before == after)
                return (credentials, after);
            await BackoffAsync(attempt, ct).ConfigureAwait(false);
        }
    }

    public async Task UpsertAsync(string user, ScramMechanism mechanism, ScramCredential credential, CancellationToken ct)
    {
        ScramCredentialArguments.Validate(user, mechanism, credential);
        var row = ToRow(user, mechanism, credential);
        for (var attempt = 1; ; attempt++)
        {
            var version = await ReadVersionRowAsync(ct).ConfigureAwait(false);
            var outcome = await SubmitAsync([new TableTransactionAction(TableTransactionActionType.UpsertReplace, row)], version, ct).ConfigureAwait(false);
            if (outcome == WriteOutcome.Written)
                return;
            await BackoffAsync(attempt, ct).ConfigureAwait(false);
        }
    }

    public async Task<bool> CreateIfAbsentAsync(string user, ScramMechanism mechanism, ScramCredential credential, CancellationToken ct)
    {
        ScramCredentialArguments.Validate(user, mechanism, credential);
        var row = ToRow(user, mechanism, credential);
        for (var attempt = 1; ; attempt++)
        {
            var version = await ReadVersionRowAsync(ct).ConfigureAwait(false);
            var outcome = await SubmitAsync([new TableTransactionAction(TableTransactionActionType.Add, row)], version, ct).ConfigureAwait(false);
            if (outcome == WriteOutcome.Written)
                return true;
            // A conflict is either the version moving or the row already existing; only the first is worth a retry.
            if (await ReadCredentialRowAsync(user, mechanism, ct).ConfigureAwait(false) is not null)
                return false;
            await BackoffAsync(attempt, ct).ConfigureAwait(false);
        }
    }

    public async Task<bool> DeleteAsync(string user, ScramMechanism mechanism, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!ScramMechanisms.IsDefined(mechanism))
            return false;
        for (var attempt = 1; ; attempt++)
        {
            var version = await ReadVersionRowAsync(ct).ConfigureAwait(false);
            var existing = await ReadCredentialRowAsync(user, mechanism, ct).ConfigureAwait(false);
            if (existing is null)
                return false;
            var delete = new TableTransactionAction(TableTransactionActionType.Delete, existing, existing.ETag);
            var outcome = await SubmitAsync([delete], version, ct).ConfigureAwait(false);
            if (outcome == WriteOutcome.Written)
                return true;
            await BackoffAsync(attempt, ct).ConfigureAwait(false);
        }
    }

    private enum WriteOutcome
    {
        Written,
        Conflict,
    }

    /// <summary>Commits the actions with the version bump; the version row's ETag (or its absence) guards the lot.</summary>
    private async Task<WriteOutcome> SubmitAsync(List<TableTransactionAction> actions, TableEntity? version, CancellationToken ct)
    {
        var next = new TableEntity(ScramTableKeys.Partition, ScramTableKeys.VersionRow)
        {
            ["Version"] = (version is null ? 0 : VersionOf(version)) + 1,
        };
        actions.Add(version is null
            ? new TableTransactionAction(TableTransactionActionType.Add, next)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, next, version.ETag));
        try
        {
            await _table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
            return WriteOutcome.Written;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            return WriteOutcome.Conflict;
        }
    }

    private async Task<TableEntity?> ReadVersionRowAsync(CancellationToken ct)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(ScramTableKeys.Partition, ScramTableKeys.VersionRow, cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    private async Task<TableEntity?> ReadCredentialRowAsync(string user, ScramMechanism mechanism, CancellationToken ct)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(ScramTableKeys.Partition, ScramTableKeys.Row(user, mechanism), cancellationToken: ct).ConfigureAwait(false);
        // A hashed key could in theory be shared; the user column decides.
        return response.HasValue && response.Value!.GetString("User") == user ? response.Value : null;
    }

    private static long VersionOf(TableEntity row) => row.GetInt64("Version") ?? 0;

    private static TableEntity ToRow(string user, ScramMechanism mechanism, ScramCredential credential) =>
        new(ScramTableKeys.Partition, ScramTableKeys.Row(user, mechanism))
        {
            ["User"] = user,
            ["Mechanism"] = mechanism.MechanismName(),
            ["Salt"] = credential.Salt,
            ["StoredKey"] = credential.StoredKey,
            ["ServerKey"] = credential.ServerKey,
            ["Iterations"] = credential.Iterations,
        };

    /// <summary>Rows of a mechanism this version does not know are skipped, so a newer broker's rows do not break an older one.</summary>
    private static bool TryRead(TableEntity row, out UserScramCredential credential)
    {
        credential = null!;
        var user = row.GetString("User");
        var salt = row.GetBinary("Salt");
        var storedKey = row.GetBinary("StoredKey");
        var serverKey = row.GetBinary("ServerKey");
        var iterations = row.GetInt32("Iterations");
        if (string.IsNullOrEmpty(user) || !ScramMechanisms.TryParse(row.GetString("Mechanism"), out var mechanism)
            || salt is null || storedKey is null || serverKey is null || iterations is null)
            return false;
        credential = new UserScramCredential(user, mechanism, new ScramCredential(salt, storedKey, serverKey, iterations.Value));
        return true;
    }

    private static Task BackoffAsync(int attempt, CancellationToken ct)
    {
        if (attempt >= MaxAttempts)
            throw new InvalidOperationException($"SCRAM credential table {nameof(TableScramCredentialStore)} stayed contended for {MaxAttempts} attempts");
        var cap = Math.Min(MaxBackoff.TotalMilliseconds, 5 * Math.Pow(2, Math.Min(attempt, 10)));
        return Task.Delay(TimeSpan.FromMilliseconds(cap * (0.5 + Random.Shared.NextDouble() / 2)), ct);
    }
}

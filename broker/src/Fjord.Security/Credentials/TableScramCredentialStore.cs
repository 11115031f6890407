using Azure;
using Azure.Data.Tables;
using Fjord.Security.Storage;

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


    private readonly TableClient _table;
    private readonly VersionedTable _versioned;

    public TableScramCredentialStore(TableServiceClient service, string tableName = DefaultTableName)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        TableName = tableName;
        _table = service.GetTableClient(tableName);
        _versioned = new VersionedTable(_table, ScramTableKeys.Partition, ScramTableKeys.VersionRow, "the SCRAM credential table");
    }

    public string TableName { get; }

    public async Task InitializeAsync(CancellationToken ct) => await _table.CreateIfNotExistsAsync(ct).ConfigureAwait(false);

    public async Task<long> ReadVersionAsync(CancellationToken ct) => (await _versioned.ReadVersionAsync(ct).ConfigureAwait(false)).Version;

    public async Task<(IReadOnlyList<UserScramCredential> Credentials, long Version)> LoadAsync(CancellationToken ct) =>
        await _versioned.LoadAsync<UserScramCredential>(row => TryRead(row, out var item) ? item : null, ct).ConfigureAwait(false);

    public async Task UpsertAsync(string user, ScramMechanism mechanism, ScramCredential credential, CancellationToken ct)
    {
        ScramCredentialArguments.Validate(user, mechanism, credential);
        var row = ToRow(user, mechanism, credential);
        for (var attempt = 1; ; attempt++)
        {
            var version = await _versioned.ReadVersionAsync(ct).ConfigureAwait(false);
            if (await _versioned.TryCommitAsync([new TableTransactionAction(TableTransactionActionType.UpsertReplace, row)], version, ct).ConfigureAwait(false))
                return;
            await _versioned.BackOffAsync(attempt, ct).ConfigureAwait(false);
        }
    }

    public async Task<bool> CreateIfAbsentAsync(string user, ScramMechanism mechanism, ScramCredential credential, CancellationToken ct)
    {
        ScramCredentialArguments.Validate(user, mechanism, credential);
        var row = ToRow(user, mechanism, credential);
        for (var attempt = 1; ; attempt++)
        {
            var version = await _versioned.ReadVersionAsync(ct).ConfigureAwait(false);
            if (await _versioned.TryCommitAsync([new TableTransactionAction(TableTransactionActionType.Add, row)], version, ct).ConfigureAwait(false))
                return true;
            // A conflict is either the version moving or the row already existing; only the first is worth a retry.
            if (await ReadCredentialRowAsync(user, mechanism, ct).ConfigureAwait(false) is not null)
                return false;
            await _versioned.BackOffAsync(attempt, ct).ConfigureAwait(false);
        }
    }

    public async Task<bool> DeleteAsync(string user, ScramMechanism mechanism, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!ScramMechanisms.IsDefined(mechanism))
            return false;
        for (var attempt = 1; ; attempt++)
        {
            var version = await _versioned.ReadVersionAsync(ct).ConfigureAwait(false);
            var existing = await ReadCredentialRowAsync(user, mechanism, ct).ConfigureAwait(false);
            if (existing is null)
                return false;
            var delete = new TableTransactionAction(TableTransactionActionType.Delete, existing, existing.ETag);
            if (await _versioned.TryCommitAsync([delete], version, ct).ConfigureAwait(false))
                return true;
            await _versioned.BackOffAsync(attempt, ct).ConfigureAwait(false);
        }
    }

    private async Task<TableEntity?> ReadCredentialRowAsync(string user, ScramMechanism mechanism, CancellationToken ct)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(ScramTableKeys.Partition, ScramTableKeys.Row(user, mechanism), cancellationToken: ct).ConfigureAwait(false);
        // A hashed key could in theory be shared; the user column decides.
        return response.HasValue && response.Value!.GetString("User") == user ? response.Value : null;
    }


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
}

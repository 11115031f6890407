using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Fjord.Security.Tenancy;

namespace Fjord.ControlPlane.ApiKeys;

/// <summary>
/// The control plane's API keys in Table storage, one row per key. A key is <c>fjk.&lt;id&gt;.&lt;secret&gt;</c>: the id
/// (80 random bits, hex) is the row key, so checking a key is one point read; the secret (256 random bits, base64url)
/// is kept only as its SHA-256 and compared in constant time. A plain hash suffices because the secret is random and
/// long, not a password a dictionary could guess.
/// </summary>
public sealed class ApiKeyStore
{
    public const string DefaultTableName = "fjordapikeys";

    private const string Prefix = "fjk";
    private const string Partition = "apikey";
    private const int IdBytes = 10;
    private const int SecretBytes = 32;
    private const string HashColumn = "SecretSha256";
    private const string TenantColumn = "Tenant";
    private const string ExpiresAtColumn = "ExpiresAt";
    private const string CreatedAtColumn = "CreatedAt";
    private const string DescriptionColumn = "Description";

    private static readonly string[] InfoColumns = ["PartitionKey", "RowKey", TenantColumn, ExpiresAtColumn, CreatedAtColumn, DescriptionColumn];

    private readonly TableClient _table;
    private readonly TimeProvider _time;

    public ApiKeyStore(TableServiceClient service, TimeProvider time, string tableName = DefaultTableName)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        _table = service.GetTableClient(tableName);
        _time = time;
    }

    public string TableName => _table.Name;

    public async Task InitializeAsync(CancellationToken ct) => await _table.CreateIfNotExistsAsync(ct).ConfigureAwait(false);

    /// <summary>A key for every tenant: how the first operator gets in (fjord.sh seeds one), and how operators hand out more.</summary>
    public Task<CreatedApiKey> CreateOperatorKeyAsync(TimeSpan lifetime, string? description, CancellationToken ct) =>
        CreateAsync(null, lifetime, description, ct);

    /// <summary>A key that sees and acts on only <paramref name="tenantId"/>.</summary>
    public Task<CreatedApiKey> CreateTenantKeyAsync(string tenantId, TimeSpan lifetime, string? description, CancellationToken ct)
    {
        if (TenantNamespace.IdProblem(tenantId) is { } problem) throw new ArgumentException(problem, nameof(tenantId));
        return CreateAsync(tenantId, lifetime, description, ct);
    }

    /// <summary>Checks a bearer token; <paramref name="principal"/> is set only when the result is <see cref="ApiKeyCheck.Valid"/>.</summary>
    public async Task<(ApiKeyCheck Check, ApiKeyPrincipal? Principal)> CheckAsync(string token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!TryParse(token, out var id, out var secret)) return (ApiKeyCheck.Malformed, null);
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: ct).ConfigureAwait(false);
        if (!response.HasValue || response.Value!.GetBinary(HashColumn) is not { Length: SHA256.HashSizeInBytes } stored)
            return (ApiKeyCheck.Unknown, null);
        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.ASCII.GetBytes(secret), presented);
        if (!CryptographicOperations.FixedTimeEquals(presented, stored)) return (ApiKeyCheck.Unknown, null);
        var row = response.Value;
        var expiresAt = row.GetDateTimeOffset(ExpiresAtColumn) ?? DateTimeOffset.MinValue;
        if (expiresAt <= _time.GetUtcNow()) return (ApiKeyCheck.Expired, null);
        var tenant = row.GetString(TenantColumn);
        return (ApiKeyCheck.Valid, new ApiKeyPrincipal(id, string.IsNullOrEmpty(tenant) ? null : tenant, expiresAt));
    }

    /// <summary>Whether <paramref name="token"/> is meant as a Fjord API key (starts with <c>fjk.</c>), well formed or not.</summary>
    public static bool IsApiKeyShaped(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return token.StartsWith(Prefix + ".", StringComparison.Ordinal);
    }

    /// <summary>Whether <paramref name="keyId"/> has the shape of a key id (20 lower-case hex digits), so it can be looked up.</summary>
    public static bool IsWellFormedId(string? keyId) =>
        keyId is { Length: IdBytes * 2 } && keyId.All(char.IsAsciiHexDigitLower);

    /// <summary>The key with this id, without its secret; null when there is none.</summary>
    public async Task<ApiKeyInfo?> GetAsync(string keyId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        if (!IsWellFormedId(keyId)) return null;
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, keyId, select: InfoColumns, cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue ? Info(response.Value!) : null;
    }

    /// <summary>Every key (expired ones included, until the reaper removes them) in id order; only <paramref name="tenantId"/>'s when set.</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string? tenantId, CancellationToken ct)
    {
        var filter = tenantId is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {Partition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Tenant eq {tenantId}");
        var keys = new List<ApiKeyInfo>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: InfoColumns, cancellationToken: ct).ConfigureAwait(false))
            keys.Add(Info(row));
        return keys;
    }

    /// <returns>False when there was no such key.</returns>
    public async Task<bool> DeleteAsync(string keyId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        try
        {
            // The SDK answers a delete of a missing entity with its 404 response rather than an exception.
            var response = await _table.DeleteEntityAsync(Partition, keyId, ETag.All, ct).ConfigureAwait(false);
            return response.Status != 404;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Removes keys that expired before <paramref name="olderThan"/> ago; kept a while so a 401 can still say "expired".</summary>
    /// <returns>How many were removed.</returns>
    public async Task<int> DeleteExpiredAsync(TimeSpan olderThan, CancellationToken ct)
    {
        var cutoff = _time.GetUtcNow() - olderThan;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and ExpiresAt lt {cutoff}");
        var removed = 0;
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", ExpiresAtColumn], cancellationToken: ct).ConfigureAwait(false))
        {
            try
            {
                await _table.DeleteEntityAsync(Partition, row.RowKey, row.ETag, ct).ConfigureAwait(false);
                removed++;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Deleted or renewed meanwhile: either way not ours to remove now.
            }
        }
        return removed;
    }

    private async Task<CreatedApiKey> CreateAsync(string? tenantId, TimeSpan lifetime, string? description, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdBytes));
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));
        var now = _time.GetUtcNow();
        var expiresAt = now + lifetime;
        var row = new TableEntity(Partition, id)
        {
            [HashColumn] = SHA256.HashData(Encoding.ASCII.GetBytes(secret)),
            [ExpiresAtColumn] = expiresAt,
            [CreatedAtColumn] = now,
            [DescriptionColumn] = description ?? "",
        };
        if (tenantId is not null) row[TenantColumn] = tenantId;
        // Add, not upsert: an id collision (80 random bits) must fail rather than replace someone's key.
        await _table.AddEntityAsync(row, ct).ConfigureAwait(false);
        return new CreatedApiKey(new ApiKeyPrincipal(id, tenantId, expiresAt), $"{Prefix}.{id}.{secret}");
    }

    private static ApiKeyInfo Info(TableEntity row)
    {
        var tenant = row.GetString(TenantColumn);
        return new ApiKeyInfo(row.RowKey, string.IsNullOrEmpty(tenant) ? null : tenant,
            row.GetDateTimeOffset(CreatedAtColumn) ?? DateTimeOffset.MinValue,
            row.GetDateTimeOffset(ExpiresAtColumn) ?? DateTimeOffset.MinValue,
            row.GetString(DescriptionColumn) ?? "");
    }

    private static bool TryParse(string token, out string id, out string secret)
    {
        id = secret = "";
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0] != Prefix) return false;
        if (parts[1].Length != IdBytes * 2 || !parts[1].All(char.IsAsciiHexDigitLower)) return false;
        if (parts[2].Length is 0 or > 64 || !parts[2].All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return false;
        (id, secret) = (parts[1], parts[2]);
        return true;
    }
}

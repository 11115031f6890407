using Azure;
using Azure.Data.Tables;
using Fjord.Security.Tls;

namespace Fjord.ControlPlane.Certificates;

/// <summary>
/// Every certificate the control plane issued, in a Table (<c>FJORD_CERTIFICATE_TABLE</c>, default
/// <c>fjordcertificates</c>): partition = the tenant's id (its certificates list with one partition query), or
/// <c>!brokers</c> for brokers' (no tenant id holds '!'); row key = the serial number. Only the control plane reads it;
/// the brokers read the revocation table, which the revocation writes first.
/// </summary>
public sealed class CertificateRegistry(TableServiceClient service, string tableName = CertificateRegistry.DefaultTableName)
{
    public const string DefaultTableName = "fjordcertificates";
    public const string BrokerPartition = "!brokers";

    private const string UserColumn = "User";
    private const string SubjectColumn = "Subject";
    private const string IssuerColumn = "Issuer";
    private const string HostsColumn = "Hosts";
    private const string NotBeforeColumn = "NotBefore";
    private const string NotAfterColumn = "NotAfter";
    private const string RevokedAtColumn = "RevokedAt";
    private const string KeystoreColumn = "Keystore";
    private const string ExpiryNotedAtColumn = "ExpiryNotedAt";

    private readonly TableClient _table = service.GetTableClient(tableName);

    public string TableName => _table.Name;

    public async Task InitializeAsync(CancellationToken ct) => await _table.CreateIfNotExistsAsync(ct).ConfigureAwait(false);

    public Task AddAsync(CertificateRecord record, CancellationToken ct) => AddAsync(record, keystore: null, ct);

    /// <param name="keystore">Where the reconciler delivered the certificate and its key (a renewal), or null.</param>
    public async Task AddAsync(CertificateRecord record, string? keystore, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        var row = new TableEntity(PartitionOf(record.Tenant), record.SerialNumber)
        {
            [SubjectColumn] = record.Subject,
            [IssuerColumn] = record.Issuer,
            [NotBeforeColumn] = record.NotBefore,
            [NotAfterColumn] = record.NotAfter,
        };
        if (record.User is not null) row[UserColumn] = record.User;
        if (record.Hosts.Count > 0) row[HostsColumn] = string.Join(',', record.Hosts);
        if (keystore is not null) row[KeystoreColumn] = keystore;
        // Add, not upsert: 128 random bits never collide, and if they did the first certificate's row must survive.
        await _table.AddEntityAsync(row, ct).ConfigureAwait(false);
    }

    /// <summary>The tenant's certificates (null: the brokers'), in serial order.</summary>
    public async Task<IReadOnlyList<CertificateRecord>> ListAsync(string? tenant, CancellationToken ct)
    {
        var partition = PartitionOf(tenant);
        var records = new List<CertificateRecord>();
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken: ct).ConfigureAwait(false))
            records.Add(Read(row, tenant));
        records.Sort((a, b) => string.CompareOrdinal(a.SerialNumber, b.SerialNumber));
        return records;
    }

    /// <summary>Every certificate of every tenant and broker, with the reconciler's columns: one query over the table.</summary>
    public async Task<IReadOnlyList<RegisteredCertificate>> ListAllAsync(CancellationToken ct)
    {
        var all = new List<RegisteredCertificate>();
        await foreach (var row in _table.QueryAsync<TableEntity>(cancellationToken: ct).ConfigureAwait(false))
        {
            var tenant = row.PartitionKey == BrokerPartition ? null : row.PartitionKey;
            all.Add(new RegisteredCertificate(Read(row, tenant), row.GetString(KeystoreColumn), row.GetDateTimeOffset(ExpiryNotedAtColumn)));
        }
        return all;
    }

    /// <summary>Stamps that the certificate's coming expiry was reported, so it is reported once, not at every run.</summary>
    public async Task MarkExpiryNotedAsync(CertificateRecord record, DateTimeOffset notedAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        var patch = new TableEntity(PartitionOf(record.Tenant), record.SerialNumber) { [ExpiryNotedAtColumn] = notedAt };
        await _table.UpdateEntityAsync(patch, ETag.All, TableUpdateMode.Merge, ct).ConfigureAwait(false);
    }

    public async Task<CertificateRecord?> GetAsync(string? tenant, string serialNumber, CancellationToken ct)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(PartitionOf(tenant), serialNumber, cancellationToken: ct).ConfigureAwait(false);
        return row.HasValue ? Read(row.Value!, tenant) : null;
    }

    /// <summary>Stamps the revocation time on the record (a merge: nothing else changes); a record revoked already keeps its first time.</summary>
    public async Task<CertificateRecord> MarkRevokedAsync(CertificateRecord record, DateTimeOffset revokedAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.RevokedAt is not null) return record;
        var patch = new TableEntity(PartitionOf(record.Tenant), record.SerialNumber) { [RevokedAtColumn] = revokedAt };
        await _table.UpdateEntityAsync(patch, ETag.All, TableUpdateMode.Merge, ct).ConfigureAwait(false);
        return record with { RevokedAt = revokedAt };
    }

    public static string PartitionOf(string? tenant) => tenant ?? BrokerPartition;

    private static CertificateRecord Read(TableEntity row, string? tenant) => new(
        CertificateIdentity.NormalizeSerial(row.RowKey) ?? row.RowKey,
        tenant,
        row.GetString(UserColumn),
        row.GetString(SubjectColumn) ?? "",
        row.GetString(IssuerColumn) ?? "",
        row.GetString(HostsColumn) is { Length: > 0 } hosts ? hosts.Split(',') : [],
        row.GetDateTimeOffset(NotBeforeColumn) ?? DateTimeOffset.MinValue,
        row.GetDateTimeOffset(NotAfterColumn) ?? DateTimeOffset.MinValue,
        row.GetDateTimeOffset(RevokedAtColumn));
}

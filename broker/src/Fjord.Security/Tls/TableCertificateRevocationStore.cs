using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Fjord.Security.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Columns = Fjord.Security.Tls.CertificateRevocationColumns;

namespace Fjord.Security.Tls;

/// <summary>
/// <see cref="ICertificateRevocationStore"/> on Azure Table storage (<c>fjord.certificate.revocation.table</c>): one row
/// per revoked certificate and one version row, in one partition, every insert committed with the version bump. A row
/// this version cannot read is logged and skipped.
/// </summary>
public sealed partial class TableCertificateRevocationStore : ICertificateRevocationStore
{
    public const string DefaultTableName = "fjordcertrevocations";

    private readonly TableClient _table;
    private readonly VersionedTable _versioned;
    private readonly ILogger _logger;

    public TableCertificateRevocationStore(TableServiceClient service, string tableName = DefaultTableName, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        _table = service.GetTableClient(tableName);
        _versioned = new VersionedTable(_table, Columns.Partition, Columns.VersionRow, "the certificate revocation table");
        _logger = logger ?? NullLogger.Instance;
    }

    public string TableName => _table.Name;

    public async Task InitializeAsync(CancellationToken ct) => await _table.CreateIfNotExistsAsync(ct).ConfigureAwait(false);

    public async Task<long> GetVersionAsync(CancellationToken ct) => (await _versioned.ReadVersionAsync(ct).ConfigureAwait(false)).Version;

    public async Task<(IReadOnlyList<CertificateRevocation> Revocations, long Version)> LoadAsync(CancellationToken ct)
    {
        var (revocations, version) = await _versioned.LoadAsync(TryRead, ct).ConfigureAwait(false);
        return (revocations, version);
    }

    public async Task<CertificateRevocation> RevokeAsync(CertificateRevocation revocation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(revocation);
        var key = RowKey(revocation.Certificate);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(Columns.Partition, key, cancellationToken: ct).ConfigureAwait(false);
            if (existing.HasValue && TryRead(existing.Value!) is { } stored) return stored;
            var row = new TableEntity(Columns.Partition, key)
            {
                [Columns.Issuer] = revocation.Certificate.Issuer,
                [Columns.SerialNumber] = revocation.Certificate.SerialNumber,
                [Columns.RevokedAt] = revocation.RevokedAt,
                [Columns.NotAfter] = revocation.NotAfter,
            };
            // An unreadable row of the same key is replaced: revoking is how it gets repaired.
            var action = existing.HasValue
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, existing.Value!.ETag)
                : new TableTransactionAction(TableTransactionActionType.Add, row);
            var version = await _versioned.ReadVersionAsync(ct).ConfigureAwait(false);
            if (await _versioned.TryCommitAsync([action], version, ct).ConfigureAwait(false)) return revocation;
            await _versioned.BackOffAsync(attempt, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Deletes expired revocations with the version bump, at most 99 per transaction (the bump is the hundredth), so a
    /// broker reloads a smaller list. A row revoked again meanwhile (its ETag moved) fails the batch, which is retried.
    /// </summary>
    public async Task<int> PruneExpiredAsync(DateTimeOffset now, CancellationToken ct)
    {
        var removed = 0;
        for (var attempt = 1; ; attempt++)
        {
            var version = await _versioned.ReadVersionAsync(ct).ConfigureAwait(false);
            var expired = new List<TableEntity>();
            await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Columns.Partition}"), cancellationToken: ct).ConfigureAwait(false))
            {
                if (row.RowKey != Columns.VersionRow && TryRead(row) is { } revocation && revocation.NotAfter < now) expired.Add(row);
                if (expired.Count == 99) break;
            }
            if (expired.Count == 0) return removed;
            var deletes = expired.Select(row => new TableTransactionAction(TableTransactionActionType.Delete, row, row.ETag));
            if (await _versioned.TryCommitAsync(deletes, version, ct).ConfigureAwait(false))
            {
                removed += expired.Count;
                attempt = 0;
                continue;
            }
            await _versioned.BackOffAsync(attempt, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The row key of a certificate: a short hash of its issuer (DNs may hold '/', '#', '?' and '\', which keys cannot) and its serial.</summary>
    internal static string RowKey(CertificateIdentity certificate)
    {
        var issuerHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(certificate.Issuer)).AsSpan(0, 8));
        return issuerHash + "-" + certificate.SerialNumber;
    }

    private CertificateRevocation? TryRead(TableEntity row)
    {
        try
        {
            var serial = CertificateIdentity.NormalizeSerial(row.GetString(Columns.SerialNumber)) ?? throw new FormatException("the serial number is missing or not hex");
            var issuer = row.GetString(Columns.Issuer) ?? throw new FormatException("the issuer is missing");
            return new CertificateRevocation(
                new CertificateIdentity(issuer, serial),
                row.GetDateTimeOffset(Columns.RevokedAt) ?? throw new FormatException("the revocation time is missing"),
                row.GetDateTimeOffset(Columns.NotAfter) ?? throw new FormatException("the expiry is missing"));
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or InvalidCastException)
        {
            LogCorruptRow(e, TableName, row.RowKey);
            return null;
        }
    }

    [LoggerMessage(EventId = 4110, Level = LogLevel.Error, Message = "Certificate revocation table {Table}: row {RowKey} cannot be read and is skipped")]
    private partial void LogCorruptRow(Exception exception, string table, string rowKey);
}

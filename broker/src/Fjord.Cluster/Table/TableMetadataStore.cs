using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Cluster;

/// <summary>
/// <see cref="IMetadataStore"/> on Azure Table storage, in the style of Orleans' Azure Table
/// membership: every versioned row (topics, brokers) shares one partition with the version row,
/// and each change is a same-partition transaction of the row write and the version bump, both
/// guarded by If-Match (inserts by the row not existing). A lost race (404/409/412) is an outcome
/// that the single retry loop here handles by re-reading; the SDK's own retry covers transport.
/// </summary>
public sealed partial class TableMetadataStore : IMetadataStore, IControllerStore
{
    public const string DefaultTableName = "fjordmetadata";
    private const int DefaultPageSize = 1000;

    /// <summary>Table storage's limit on the entities of one transaction.</summary>
    private const int MaxEntitiesPerTransaction = 100;

    private readonly TableClient _table;
    private readonly string _account;
    private readonly LeaseObserver _leaseObserver;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public TableMetadataStore(
        TableServiceClient service,
        string tableName = DefaultTableName,
        TimeProvider? timeProvider = null,
        ILogger<TableMetadataStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        if (!IsValidTableName(tableName))
            throw new ArgumentException($"'{tableName}' is not a Table storage table name: 3 to 63 letters and digits, starting with a letter.", nameof(tableName));
        _table = service.GetTableClient(tableName);
        _account = service.Uri.GetLeftPart(UriPartial.Path);
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _leaseObserver = new LeaseObserver(_time);
    }

    /// <summary>Rows per query page; tests lower it to prove listings stay consistent across pages.</summary>
    internal int PageSize { get; set; } = DefaultPageSize;

    public string TableName => _table.Name;

    public string Location => $"table {_table.Name} of {_account}";

    /// <summary>Creates the table if it does not exist yet. Call once before anything else.</summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        await _table.CreateIfNotExistsAsync(ct).ConfigureAwait(false);
    }

    public async Task<string?> GetClusterIdAsync(CancellationToken ct)
    {
        try
        {
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(
                TableKeys.ClusterPartition, TableKeys.ClusterIdRow, cancellationToken: ct).ConfigureAwait(false);
            return existing.HasValue && existing.Value!.GetString(TableColumns.ClusterId) is { Length: > 0 } clusterId ? clusterId : null;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // The table itself is gone (deleted, or an emulator restarted empty).
            return null;
        }
    }

    public async Task<string> GetOrCreateClusterIdAsync(CancellationToken ct)
    {
        await _table.CreateIfNotExistsAsync(ct).ConfigureAwait(false);
        for (var attempt = 1; attempt <= ConflictBackoff.MaxAttempts; attempt++)
        {
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(
                TableKeys.ClusterPartition, TableKeys.ClusterIdRow, cancellationToken: ct).ConfigureAwait(false);
            if (existing.HasValue && existing.Value!.GetString(TableColumns.ClusterId) is { Length: > 0 } clusterId)
                return clusterId;

            var created = ClusterIds.NewClusterId();
            try
            {
                var row = new TableEntity(TableKeys.ClusterPartition, TableKeys.ClusterIdRow) { [TableColumns.ClusterId] = created };
                await _table.AddEntityAsync(row, ct).ConfigureAwait(false);
                TableMetadataStoreLog.ClusterIdCreated(_logger, created);
                return created;
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // A concurrent first start created it: theirs is the cluster id; read it back.
            }
        }

        throw ConflictBackoff.GiveUp("creating the cluster id");
    }

    public async Task<long> GetVersionAsync(CancellationToken ct)
    {
        try
        {
            return (await ReadVersionAsync(ct).ConfigureAwait(false)).Version;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // A missing table has no changes; the cluster-id check tells the caller what that means.
            return 0;
        }
    }

    private static bool IsValidTableName(string name) =>
        name.Length is >= 3 and <= 63 && char.IsAsciiLetter(name[0]) && name.All(char.IsAsciiLetterOrDigit);

    private async Task<VersionRow> ReadVersionAsync(CancellationToken ct)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(
            TableKeys.ClusterPartition, TableKeys.VersionRow, cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue
            ? new VersionRow(response.Value!.GetInt64(TableColumns.Version) ?? 0, response.Value.ETag, Exists: true)
            : new VersionRow(0, default, Exists: false);
    }

    private static TableTransactionAction BumpVersion(VersionRow current)
    {
        var next = new TableEntity(TableKeys.ClusterPartition, TableKeys.VersionRow) { [TableColumns.Version] = current.Version + 1 };
        return current.Exists
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, next, current.ETag)
            : new TableTransactionAction(TableTransactionActionType.Add, next);
    }

    /// <summary>Submits a change plus the version bump; false when a guard failed and the caller must re-read.</summary>
    private async Task<bool> TryCommitAsync(TableTransactionAction change, VersionRow version, string operation, int attempt, CancellationToken ct)
    {
        try
        {
            await _table.SubmitTransactionAsync([change, BumpVersion(version)], ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            TableMetadataStoreLog.WriteConflict(_logger, operation, attempt);
            return false;
        }
    }

    private async Task<TableEntity?> ReadRowAsync(string rowKey, CancellationToken ct)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(TableKeys.ClusterPartition, rowKey, cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// All rows whose key starts with <paramref name="prefix"/>, as one snapshot. A multi-page query
    /// is not a snapshot, but every change bumps the version row atomically, so equal versions
    /// before and after the read prove no change landed in between.
    /// </summary>
    private async Task<List<TableEntity>> ReadRangeFencedAsync(string prefix, CancellationToken ct) =>
        (await ReadRangesFencedAsync([prefix], ct).ConfigureAwait(false))[0];

    /// <summary>Several key ranges read as one snapshot (same version fence around all of them).</summary>
    private async Task<List<TableEntity>[]> ReadRangesFencedAsync(string[] prefixes, CancellationToken ct)
    {
        var prefix = string.Join('+', prefixes);
        for (var attempt = 1; attempt <= ConflictBackoff.MaxAttempts; attempt++)
        {
            var before = await GetVersionAsync(ct).ConfigureAwait(false);
            var ranges = new List<TableEntity>[prefixes.Length];
            for (var i = 0; i < prefixes.Length; i++)
                ranges[i] = await ReadRangeAsync(prefixes[i], ct).ConfigureAwait(false);
            var after = await GetVersionAsync(ct).ConfigureAwait(false);
            if (before == after)
                return ranges;

            TableMetadataStoreLog.TornRead(_logger, prefix, before, after);
            await ConflictBackoff.DelayAsync(attempt, ct).ConfigureAwait(false);
        }

        throw ConflictBackoff.GiveUp($"listing {prefix} rows");
    }

    /// <summary>The rows whose key starts with <paramref name="prefix"/>; not a snapshot across pages unless fenced.</summary>
    private async Task<List<TableEntity>> ReadRangeAsync(string prefix, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {TableKeys.ClusterPartition} and RowKey ge {prefix} and RowKey lt {TableKeys.PrefixEnd(prefix)}");
        var rows = new List<TableEntity>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, PageSize, cancellationToken: ct).ConfigureAwait(false))
            rows.Add(row);
        return rows;
    }

    private readonly record struct VersionRow(long Version, ETag ETag, bool Exists);
}

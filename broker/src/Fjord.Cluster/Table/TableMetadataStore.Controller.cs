using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;

namespace Fjord.Cluster;

public sealed partial class TableMetadataStore
{
    // The token of each incarnation that holds (or held) the lease through this instance, so a
    // renewal advances the very token the controller's writes carry.
    private readonly ConcurrentDictionary<Guid, ControllerToken> _tokens = new();

    public async Task<ControllerClaim> TryClaimControllerAsync(int nodeId, Guid incarnationId, TimeSpan leaseDuration, CancellationToken ct)
    {
        ControllerStoreValidation.ValidateClaim(nodeId, incarnationId, leaseDuration);
        for (var attempt = 1; attempt <= ConflictBackoff.MaxAttempts; attempt++)
        {
            var row = await ReadRowAsync(TableKeys.ControllerRow, ct).ConfigureAwait(false);
            if (row is null)
            {
                var version = await ReadVersionAsync(ct).ConfigureAwait(false);
                var first = new ControllerLease(nodeId, incarnationId, 1);
                // Add fails with 409 when a concurrent claimant inserted first; the re-read then shows its lease.
                var insert = new TableTransactionAction(TableTransactionActionType.Add, ToEntity(first));
                if (await TrySubmitAsync([insert, BumpVersion(version)], nameof(TryClaimControllerAsync), attempt, ct).ConfigureAwait(false) is { } inserted)
                    return await TookLeaseAsync(first, inserted, ct).ConfigureAwait(false);
                await ConflictBackoff.DelayAsync(attempt, ct).ConfigureAwait(false);
                continue;
            }

            var lease = ToLease(row);
            if (lease.IncarnationId == incarnationId)
            {
                if (await TryRenewAsync(lease, ct).ConfigureAwait(false) is { } renewed)
                    return renewed;
                await ConflictBackoff.DelayAsync(attempt, ct).ConfigureAwait(false);
                continue;
            }

            if (!_leaseObserver.HasExpired(incarnationId, row.ETag.ToString(), leaseDuration))
                return new ControllerClaim(false, lease, null);

            // The holder has not written the row for a whole lease duration as this node measures it.
            // The takeover is a CAS on exactly the version observed, so a holder that wrote meanwhile
            // (or a faster claimant) wins and this claim fails.
            var takeover = new ControllerLease(nodeId, incarnationId, lease.Epoch + 1);
            var current = await ReadVersionAsync(ct).ConfigureAwait(false);
            var replace = new TableTransactionAction(TableTransactionActionType.UpdateReplace, ToEntity(takeover), row.ETag);
            if (await TrySubmitAsync([replace, BumpVersion(current)], nameof(TryClaimControllerAsync), attempt, ct).ConfigureAwait(false) is { } replaced)
            {
                TableMetadataStoreLog.ControllerTakeover(_logger, nodeId, takeover.Epoch, lease.ControllerId);
                return await TookLeaseAsync(takeover, replaced, ct).ConfigureAwait(false);
            }

            await ConflictBackoff.DelayAsync(attempt, ct).ConfigureAwait(false);
        }

        throw ConflictBackoff.GiveUp($"claiming the controller lease for broker {nodeId}");
    }

    public async Task<ControllerLease?> GetControllerAsync(CancellationToken ct)
    {
        var row = await ReadRowAsync(TableKeys.ControllerRow, ct).ConfigureAwait(false);
        return row is null ? null : ToLease(row);
    }

    /// <summary>Renewal by the holder: a merge guarded by the row version just read, not bumping the metadata version. Null when the row moved meanwhile.</summary>
    private async Task<ControllerClaim?> TryRenewAsync(ControllerLease lease, CancellationToken ct)
    {
        var token = _tokens.TryGetValue(lease.IncarnationId, out var known) && known.Epoch == lease.Epoch ? known : null;
        var gate = token?.Gate;
        if (gate is not null)
            await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Re-read under the gate: the holder's own controller write may have moved the row since.
            var row = await ReadRowAsync(TableKeys.ControllerRow, ct).ConfigureAwait(false);
            if (row is null || ToLease(row) != lease)
                return null;
            try
            {
                var response = await _table.UpdateEntityAsync(LeaseTouch(), row.ETag, TableUpdateMode.Merge, ct).ConfigureAwait(false);
                var tag = response.Headers.ETag?.ToString() ?? string.Empty;
                token ??= _tokens.AddOrUpdate(lease.IncarnationId, _ => new ControllerToken(lease, tag), (_, old) => old.Epoch == lease.Epoch ? old : new ControllerToken(lease, tag));
                token.LeaseTag = tag;
                return new ControllerClaim(true, lease, token);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                TableMetadataStoreLog.WriteConflict(_logger, nameof(TryClaimControllerAsync), 1);
                return null;
            }
        }
        finally
        {
            gate?.Release();
        }
    }

    private async Task<ControllerClaim> TookLeaseAsync(ControllerLease lease, IReadOnlyList<Response> responses, CancellationToken ct)
    {
        var tag = await LeaseTagAfterWriteAsync(lease, responses, ct).ConfigureAwait(false);
        var token = new ControllerToken(lease, tag);
        _tokens[lease.IncarnationId] = token;
        _leaseObserver.Forget(lease.IncarnationId);
        return new ControllerClaim(true, lease, token);
    }

    /// <summary>
    /// The lease row's ETag after a transaction whose first action wrote it. Should the transaction
    /// response lack it, the row is read back: while it still names this incarnation and epoch, only
    /// this holder can have written it (a takeover writes another incarnation or epoch), so its ETag
    /// is ours. Otherwise the holder is already deposed and gets a tag that fences all its writes.
    /// </summary>
    private async Task<string> LeaseTagAfterWriteAsync(ControllerLease lease, IReadOnlyList<Response> responses, CancellationToken ct)
    {
        if (responses.Count > 0 && responses[0].Headers.ETag is { } written)
            return written.ToString();
        var row = await ReadRowAsync(TableKeys.ControllerRow, ct).ConfigureAwait(false);
        return row is not null && ToLease(row) == lease ? row.ETag.ToString() : string.Empty;
    }

    /// <summary>Submits the actions as one transaction; null when a guard failed and the caller must re-read.</summary>
    private async Task<IReadOnlyList<Response>?> TrySubmitAsync(IReadOnlyList<TableTransactionAction> actions, string operation, int attempt, CancellationToken ct)
    {
        try
        {
            var response = await _table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
            return response.Value;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            TableMetadataStoreLog.WriteConflict(_logger, operation, attempt);
            return null;
        }
    }

    /// <summary>A merge that changes nothing the store reads but gives the lease row a new ETag.</summary>
    private TableEntity LeaseTouch() =>
        new(TableKeys.ClusterPartition, TableKeys.ControllerRow) { [TableColumns.LeaseWrittenAt] = _time.GetUtcNow() };

    private TableEntity ToEntity(ControllerLease lease) =>
        new(TableKeys.ClusterPartition, TableKeys.ControllerRow)
        {
            [TableColumns.NodeId] = lease.ControllerId,
            [TableColumns.IncarnationId] = lease.IncarnationId,
            [TableColumns.Epoch] = lease.Epoch,
            [TableColumns.LeaseWrittenAt] = _time.GetUtcNow(),
        };

    private static ControllerLease ToLease(TableEntity row) =>
        new(
            row.GetInt32(TableColumns.NodeId) ?? throw CorruptRow(row, TableColumns.NodeId),
            row.GetGuid(TableColumns.IncarnationId) ?? throw CorruptRow(row, TableColumns.IncarnationId),
            row.GetInt64(TableColumns.Epoch) ?? throw CorruptRow(row, TableColumns.Epoch));
}

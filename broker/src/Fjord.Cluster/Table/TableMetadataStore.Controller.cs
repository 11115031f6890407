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

        // The holder's renewal is one request: a merge guarded by the tag its token last wrote. It
        // fails exactly when the row moved since (a takeover or a release), and then the read below
        // tells why.
        // (An empty tag marks a token already known to be deposed.)
        if (_tokens.TryGetValue(incarnationId, out var held) && held.LeaseTag.Length > 0
            && await TryRenewHeldAsync(held, ct).ConfigureAwait(false) is { } renewedHeld)
            return renewedHeld;

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
            var released = IsReleased(row);
            if (lease.IncarnationId != incarnationId || released)
                _tokens.TryRemove(incarnationId, out _);
            else
            {
                // Ours, though this instance holds no current token for it (a lost response): renew from the row.
                if (await TryRenewAsync(lease, ct).ConfigureAwait(false) is { } renewed)
                    return renewed;
                await ConflictBackoff.DelayAsync(attempt, ct).ConfigureAwait(false);
                continue;
            }

            // A released lease, or one held by an older process of this very node (the claimant's
            // registration fenced it), has nobody left to act through it: take it at once. Otherwise
            // only once the holder has not written the row for a whole lease duration as this node
            // measures it.
            var superseded = !released && await ReplacesOwnNodeAsync(lease, nodeId, incarnationId, ct).ConfigureAwait(false);
            var lapsed = !released && !superseded;
            if (lapsed && !_leaseObserver.HasExpired(incarnationId, row.ETag.ToString(), leaseDuration))
                return new ControllerClaim(false, lease, null);

            // The takeover is a CAS on exactly the version observed, so a holder that wrote meanwhile
            // (or a faster claimant) wins and this claim fails.
            var takeover = new ControllerLease(nodeId, incarnationId, lease.Epoch + 1);
            var current = await ReadVersionAsync(ct).ConfigureAwait(false);
            var replace = new TableTransactionAction(TableTransactionActionType.UpdateReplace, ToEntity(takeover), row.ETag);
            if (await TrySubmitAsync([replace, BumpVersion(current)], nameof(TryClaimControllerAsync), attempt, ct).ConfigureAwait(false) is { } written)
            {
                TableMetadataStoreLog.ControllerTakeover(_logger, nodeId, takeover.Epoch, lease.ControllerId, released ? "released" : superseded ? "superseded incarnation" : "lapsed");
                return await TookLeaseAsync(takeover, written, ct).ConfigureAwait(false) with
                {
                    Lapsed = lapsed ? lease : null,
                    Superseded = superseded ? lease : null,
                };
            }

            await ConflictBackoff.DelayAsync(attempt, ct).ConfigureAwait(false);
        }

        throw ConflictBackoff.GiveUp($"claiming the controller lease for broker {nodeId}");
    }

    public async Task<bool> ReleaseControllerAsync(ControllerToken token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.LeaseTag.Length == 0)
            return false;
        await token.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Guarded by the token's tag like any controller write. The token does not adopt the new
            // tag, so its later writes and renewals are fenced; the takeover that follows bumps the
            // metadata version, as every takeover does.
            var release = new TableEntity(TableKeys.ClusterPartition, TableKeys.ControllerRow)
            {
                [TableColumns.Released] = true,
                [TableColumns.LeaseWrittenAt] = _time.GetUtcNow(),
            };
            await _table.UpdateEntityAsync(release, new ETag(token.LeaseTag), TableUpdateMode.Merge, ct).ConfigureAwait(false);
            _tokens.TryRemove(new KeyValuePair<Guid, ControllerToken>(token.Lease.IncarnationId, token));
            TableMetadataStoreLog.ControllerReleased(_logger, token.ControllerId, token.Epoch);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            TableMetadataStoreLog.ControllerFenced(_logger, token.ControllerId, token.Epoch);
            return false;
        }
        finally
        {
            token.Gate.Release();
        }
    }

    public async Task<ControllerLease?> GetControllerAsync(CancellationToken ct)
    {
        var row = await ReadRowAsync(TableKeys.ControllerRow, ct).ConfigureAwait(false);
        return row is null || IsReleased(row) ? null : ToLease(row);
    }

    /// <summary>
    /// The claimant is the registered process of the node whose older process holds the lease. The
    /// registration check keeps a fenced old process, still running its loop, from taking it back.
    /// </summary>
    private async Task<bool> ReplacesOwnNodeAsync(ControllerLease lease, int nodeId, Guid incarnationId, CancellationToken ct)
    {
        if (lease.ControllerId != nodeId || lease.IncarnationId == incarnationId)
            return false;
        var broker = await ReadRowAsync(TableKeys.BrokerRow(nodeId), ct).ConfigureAwait(false);
        return broker?.GetGuid(TableColumns.IncarnationId) == incarnationId;
    }

    /// <summary>Renewal with the token this instance holds: one merge guarded by its tag. Null when the row moved since.</summary>
    private async Task<ControllerClaim?> TryRenewHeldAsync(ControllerToken token, CancellationToken ct)
    {
        await token.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var response = await _table.UpdateEntityAsync(LeaseTouch(), new ETag(token.LeaseTag), TableUpdateMode.Merge, ct).ConfigureAwait(false);
            if (response.Headers.ETag is not { } tag)
            {
                // Without the new tag the token cannot prove office; the read path renews from the row.
                _tokens.TryRemove(new KeyValuePair<Guid, ControllerToken>(token.Lease.IncarnationId, token));
                return null;
            }

            token.LeaseTag = tag.ToString();
            return new ControllerClaim(true, token.Lease, token);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            TableMetadataStoreLog.WriteConflict(_logger, nameof(TryClaimControllerAsync), 1);
            return null;
        }
        finally
        {
            token.Gate.Release();
        }
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
            if (row is null || IsReleased(row) || ToLease(row) != lease)
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

    private static bool IsReleased(TableEntity row) => row.GetBoolean(TableColumns.Released) == true;

    private static ControllerLease ToLease(TableEntity row) =>
        new(
            row.GetInt32(TableColumns.NodeId) ?? throw CorruptRow(row, TableColumns.NodeId),
            row.GetGuid(TableColumns.IncarnationId) ?? throw CorruptRow(row, TableColumns.IncarnationId),
            row.GetInt64(TableColumns.Epoch) ?? throw CorruptRow(row, TableColumns.Epoch));
}

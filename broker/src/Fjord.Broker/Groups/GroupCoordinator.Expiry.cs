using Fjord.Cluster;

namespace Fjord.Broker.Groups;

public sealed partial class GroupCoordinator
{
    /// <summary>
    /// The offsets.retention.minutes job (run by the timer every offsets.retention.check.interval.ms; public
    /// so it can be driven directly). Only Empty groups lose offsets: all of them once the group has been
    /// Empty for the retention period (a group that never had members counts from each commit). An Empty
    /// group left without offsets is removed, as Kafka does. Returns how many offsets expired.
    /// </summary>
    public async Task<int> ExpireOffsetsAsync(CancellationToken ct)
    {
        try
        {
            foreach (var groupId in await _store.ListGroupIdsAsync(ct).ConfigureAwait(false))
            {
                if (!_groups.ContainsKey(groupId) && Coordinates(groupId))
                {
                    await GetOrLoadGroupAsync(groupId, ct).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Expire what memory knows; the next run retries the store.
            GroupCoordinatorLog.StoreReadFailed(_logger, "*", ex);
        }

        var expiredTotal = 0;
        foreach (var group in _groups.Values.ToList())
        {
            if (!Coordinates(group.GroupId))
            {
                continue;
            }

            expiredTotal += await ExpireGroupOffsetsAsync(group, ct).ConfigureAwait(false);
        }

        return expiredTotal;
    }

    private async Task<int> ExpireGroupOffsetsAsync(ClassicGroup group, CancellationToken ct)
    {
        await group.StoreGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            List<(string Topic, int Partition)> expired;
            bool removeGroup;
            lock (group.Lock)
            {
                if (group.State != GroupState.Empty)
                {
                    return 0;
                }

                var now = Now;
                var retention = TimeSpan.FromMinutes(_config.OffsetsRetentionMinutes);
                expired = group.Offsets.Values
                    .Where(o => now - ExpiryBase(group, o) >= retention)
                    .Select(o => (o.Topic, o.Partition))
                    .ToList();
                removeGroup = expired.Count == group.Offsets.Count;
                if (removeGroup)
                {
                    MarkDead(group);
                }
            }

            if (removeGroup)
            {
                await DeleteFromStoreQuietlyAsync(group, ct).ConfigureAwait(false);
            }
            else if (expired.Count > 0)
            {
                try
                {
                    await _store.DeleteOffsetsAsync(group.GroupId, expired, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    GroupCoordinatorLog.StoreWriteFailed(_logger, group.GroupId, ex);
                    return 0;
                }

                lock (group.Lock)
                {
                    foreach (var key in expired)
                    {
                        group.Offsets.Remove(key);
                    }
                }
            }

            if (removeGroup || expired.Count > 0)
            {
                GroupCoordinatorLog.OffsetsExpired(_logger, group.GroupId, expired.Count, removeGroup);
            }

            return expired.Count;
        }
        finally
        {
            group.StoreGate.Release();
        }
    }

    /// <summary>KIP-211: a group that had members counts from when it became Empty; a simple group from each commit.</summary>
    private static DateTimeOffset ExpiryBase(ClassicGroup group, CommittedOffset offset) =>
        group.ProtocolType is not null && group.EmptySince is { } emptySince ? emptySince : offset.CommitTime;

    private void OnExpiryTimer()
    {
        if (Interlocked.CompareExchange(ref _expiryRunning, 1, 0) != 0)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await ExpireOffsetsAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Shutting down.
            }
            catch (Exception ex)
            {
                GroupCoordinatorLog.ExpiryFailed(_logger, ex);
            }
            finally
            {
                Volatile.Write(ref _expiryRunning, 0);
            }
        });
    }
}

using Fjord.Cluster;

namespace Fjord.Groups;

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

                expired = _offsets.Expired(group, Now);
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
                if (!await _offsets.DeleteAsync(group, expired, ct).ConfigureAwait(false))
                {
                    return 0;
                }

                lock (group.Lock)
                {
                    OffsetManager.Forget(group, expired);
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

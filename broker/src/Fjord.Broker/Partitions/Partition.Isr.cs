using Fjord.Cluster;
using Fjord.Protocol;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Partitions;

public sealed partial class Partition
{
    /// <summary>
    /// A follower fetched at <paramref name="fetchOffset"/>: everything below it is on the follower's
    /// log. Updates its progress, may expand the ISR, and may move the high watermark.
    /// </summary>
    public ErrorCode RecordFollowerFetch(int replicaId, long fetchOffset)
    {
        var now = NowMs();
        var leaderEnd = Log.LogEndOffset;
        PartitionState? proposal = null;
        int expectedEpoch = 0;
        lock (_isrLock)
        {
            if (!IsLeader) return ErrorCode.NotLeaderOrFollower;
            if (!_followers.TryGetValue(replicaId, out var follower)) return ErrorCode.NotLeaderOrFollower;
            // Kafka's rule: caught up now if it has everything, or caught up as of its previous
            // fetch if it has everything the leader had then.
            if (fetchOffset >= leaderEnd) follower.LastCaughtUpMs = now;
            else if (fetchOffset >= follower.LastFetchLeaderLogEndOffset) follower.LastCaughtUpMs = follower.LastFetchMs;
            follower.LogEndOffset = fetchOffset;
            follower.LastFetchMs = now;
            follower.LastFetchLeaderLogEndOffset = leaderEnd;

            // Expansion: a follower that holds the high watermark and everything since this
            // leadership began may count towards commits at once (the maximal ISR), before the
            // controller store has recorded it.
            // A broker in controlled shutdown keeps fetching until it stops, but must not rejoin (KRaft's INELIGIBLE_REPLICA).
            if (!_alterInFlight && now >= _alterBackoffUntilMs && !_maximalIsr.Contains(replicaId) && _state is { } state &&
                fetchOffset >= Log.HighWatermark && fetchOffset >= _leaderEpochStartOffset && _eligibleForIsr(replicaId))
            {
                var isr = _isr.Append(replicaId).ToArray();
                _maximalIsr = isr;
                _alterInFlight = true;
                proposal = state with { Isr = isr };
                expectedEpoch = state.PartitionEpoch;
            }
        }
        if (proposal is not null) _ = ProposeAsync(proposal, expectedEpoch);
        MaybeAdvanceHighWatermark();
        return ErrorCode.None;
    }

    /// <summary>
    /// Drops followers that have not caught up within replica.lag.time.max.ms. Until the controller
    /// store accepts the smaller ISR the old one still gates commits, so a leader cut off from the
    /// store can never commit with fewer replicas than the cluster believes it has.
    /// </summary>
    public void MaybeShrinkIsr(long replicaLagTimeMaxMs)
    {
        var now = NowMs();
        PartitionState? proposal = null;
        int expectedEpoch = 0;
        lock (_isrLock)
        {
            if (!IsLeader || _alterInFlight || now < _alterBackoffUntilMs || _state is not { } state) return;
            var lagging = _isr.Where(id => id != _localId && (!_followers.TryGetValue(id, out var f) || now - f.LastCaughtUpMs > replicaLagTimeMaxMs)).ToArray();
            if (lagging.Length == 0) return;
            var isr = _isr.Except(lagging).ToArray();
            _alterInFlight = true;
            proposal = state with { Isr = isr };
            expectedEpoch = state.PartitionEpoch;
            LogShrinking(Topic.Name, Index, string.Join(',', lagging));
        }
        _ = ProposeAsync(proposal, expectedEpoch);
    }

    private async Task ProposeAsync(PartitionState proposal, int expectedEpoch)
    {
        AlterPartitionOutcome outcome;
        try
        {
            outcome = await _store.AlterPartitionAsync(proposal, expectedEpoch, CancellationToken.None);
        }
        catch (Exception e)
        {
            // The store is unreachable: keep the committed ISR and try again later.
            lock (_isrLock)
            {
                _alterInFlight = false;
                _maximalIsr = _isr;
                _alterBackoffUntilMs = NowMs() + 1000;
            }
            LogAlterFailed(e, Topic.Name, Index);
            return;
        }
        int isrBefore;
        lock (_isrLock)
        {
            _alterInFlight = false;
            isrBefore = _isr.Length;
            if (outcome.Status != AlterPartitionStatus.Altered)
            {
                _maximalIsr = _isr;
                _alterBackoffUntilMs = NowMs() + 200;
            }
        }
        if (outcome.State is { } state)
        {
            // Altered: our proposal is now the stored state. Refused: the stored state is newer than
            // ours (a new leader, or the controller changed the row); adopt it either way.
            Apply(state);
        }
        if (outcome.Status != AlterPartitionStatus.Altered) LogAlterRefused(Topic.Name, Index, outcome.Status.ToString());
        else
        {
            _isrChanges?.Changed(isrBefore, proposal.Isr.Count);
            LogIsrChanged(Topic.Name, Index, string.Join(',', proposal.Isr));
        }
    }

    /// <summary>
    /// The leader's high watermark is the smallest log end offset in the maximal ISR (itself
    /// included); a member whose position is still unknown holds it where it is.
    /// </summary>
    public void MaybeAdvanceHighWatermark() => TryAdvanceHighWatermark();

    /// <summary>Advances the high watermark if the ISR allows; true when it moved (and waiters were told).</summary>
    private bool TryAdvanceHighWatermark()
    {
        long highWatermark;
        lock (_isrLock)
        {
            if (!IsLeader) return false;
            highWatermark = Log.LogEndOffset;
            foreach (var id in _maximalIsr)
            {
                if (id == _localId) continue;
                if (!_followers.TryGetValue(id, out var follower) || follower.LogEndOffset < 0) return false;
                highWatermark = Math.Min(highWatermark, follower.LogEndOffset);
            }
        }
        if (highWatermark <= Log.HighWatermark) return false;
        Log.AdvanceHighWatermark(highWatermark);
        NotifyChanged();
        return true;
    }

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "{Topic}-{Partition}: shrinking the ISR, lagging [{Lagging}]")]
    private partial void LogShrinking(string topic, int partition, string lagging);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "{Topic}-{Partition}: ISR is now [{Isr}]")]
    private partial void LogIsrChanged(string topic, int partition, string isr);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "{Topic}-{Partition}: ISR change refused ({Status}); adopting the stored state")]
    private partial void LogAlterRefused(string topic, int partition, string status);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "{Topic}-{Partition}: ISR change could not reach the controller store; will retry")]
    private partial void LogAlterFailed(Exception exception, string topic, int partition);
}

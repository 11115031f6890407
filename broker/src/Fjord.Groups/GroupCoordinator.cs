using System.Collections.Concurrent;
using Fjord.Cluster;
using Fjord.Protocol;
using Microsoft.Extensions.Logging;

namespace Fjord.Groups;

/// <summary>
/// The classic consumer-group coordinator of one broker (Kafka's GroupCoordinator): the rebalance
/// state machine (Kafka's GroupMetadataManager, in <c>Classic/</c>), independent of the wire, using an
/// <see cref="OffsetManager"/> for the committed offsets (<c>Offsets/</c>). Groups are loaded lazily from the <see cref="IOffsetStore"/>
/// on first touch and start Empty. Timers (session, join, expiry) run on the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class GroupCoordinator : IAsyncDisposable
{
    /// <summary>Kafka's JoinGroupRequest.UNKNOWN_MEMBER_ID.</summary>
    private const string NoMemberId = "";

    /// <summary>Kafka's GroupCoordinator.NewMemberJoinTimeoutMs: how long a new member may wait in its first join.</summary>
    private const int NewMemberJoinTimeoutMs = 300_000;

    private const string ClassicGroupType = "classic";

    private readonly GroupCoordinatorConfig _config;
    private readonly IOffsetStore _store;
    private readonly OffsetManager _offsets;
    private readonly TimeProvider _time;
    private readonly ILogger<GroupCoordinator> _logger;
    private readonly ConcurrentDictionary<string, ClassicGroup> _groups = new(StringComparer.Ordinal);

    // Per __consumer_offsets partition: orders transactional commits against the markers that complete them.
    private readonly ConcurrentDictionary<int, SemaphoreSlim> _markerLocks = new();
    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _expiryTimer;
    private int _expiryRunning;

    public GroupCoordinator(GroupCoordinatorConfig config, IOffsetStore store, TimeProvider time, ILogger<GroupCoordinator> logger)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _config = config;
        _store = store;
        _offsets = new OffsetManager(store, config, logger);
        _time = time;
        _logger = logger;
    }

    /// <summary>Starts the offset expiry job; groups themselves load lazily.</summary>
    public Task StartAsync(CancellationToken ct)
    {
        var interval = TimeSpan.FromMilliseconds(_config.OffsetsRetentionCheckIntervalMs);
        _expiryTimer = _time.CreateTimer(_ => OnExpiryTimer(), null, interval, interval);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_expiryTimer is not null)
        {
            await _expiryTimer.DisposeAsync().ConfigureAwait(false);
        }

        // As Kafka does when it unloads a group: waiting joins and syncs learn to find the new coordinator.
        foreach (var group in _groups.Values)
        {
            lock (group.Lock)
            {
                group.DisposeTimers();
                foreach (var member in group.Members)
                {
                    member.AwaitingJoin?.TrySetResult(JoinGroupResult.Failed(ErrorCode.NotCoordinator, member.MemberId));
                    member.AwaitingSync?.TrySetResult(SyncGroupResult.Failed(ErrorCode.NotCoordinator));
                }
            }
        }

        // _stopping is cancelled, not disposed: background saves that are still unwinding read its token.
        _groups.Clear();
    }

    /// <summary>
    /// The offsets-topic partition that owns a group: Kafka's <c>Utils.abs(groupId.hashCode()) % n</c>,
    /// with Java's String.hashCode over UTF-16 code units and Kafka's abs (Int.MinValue maps to 0).
    /// </summary>
    public static int PartitionFor(string groupId, int offsetsTopicPartitionCount)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(offsetsTopicPartitionCount);
        var hash = 0;
        foreach (var c in groupId)
        {
            hash = unchecked((31 * hash) + c);
        }

        var abs = hash == int.MinValue ? 0 : Math.Abs(hash);
        return abs % offsetsTopicPartitionCount;
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>The group from memory, else from the store; null when neither knows it.</summary>
    private async Task<ClassicGroup?> GetOrLoadGroupAsync(string groupId, CancellationToken ct)
    {
        if (_groups.TryGetValue(groupId, out var group))
        {
            return group;
        }

        var record = await _store.LoadGroupAsync(groupId, ct).ConfigureAwait(false);
        var offsets = await _offsets.LoadAsync(groupId, ct).ConfigureAwait(false);
        var pending = await _store.FetchPendingAsync(groupId, ct).ConfigureAwait(false);
        if (record is null && offsets.Count == 0 && pending.Count == 0)
        {
            return null;
        }

        // A concurrent loader may have won; both copies are Empty snapshots of the same store state.
        return _groups.GetOrAdd(groupId, ClassicGroup.FromStore(groupId, record, offsets, pending, Now));
    }

    private async Task<ClassicGroup> GetOrCreateGroupAsync(string groupId, CancellationToken ct) =>
        await GetOrLoadGroupAsync(groupId, ct).ConfigureAwait(false) ?? _groups.GetOrAdd(groupId, id => new ClassicGroup(id, Now));

    /// <summary>Kafka's validateCurrentMember: a static member is recognised by its instance id, fenced if its member id is stale.</summary>
    private static ErrorCode ValidateMember(ClassicGroup group, string memberId, string? groupInstanceId)
    {
        if (groupInstanceId is not null)
        {
            var current = group.StaticMemberId(groupInstanceId);
            if (current is null)
            {
                return ErrorCode.UnknownMemberId;
            }

            return current == memberId ? ErrorCode.None : ErrorCode.FencedInstanceId;
        }

        return group.TryGetMember(memberId, out _) ? ErrorCode.None : ErrorCode.UnknownMemberId;
    }

    /// <summary>Forgets a group that is now Dead; only this exact instance, a reloaded one stays.</summary>
    private void Unload(ClassicGroup group) => _groups.TryRemove(new KeyValuePair<string, ClassicGroup>(group.GroupId, group));

    /// <summary>Writes the group's current record; serialised with every other store write of the group.</summary>
    private async Task<bool> SaveCurrentGroupAsync(ClassicGroup group, CancellationToken ct)
    {
        await group.StoreGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            GroupRecord record;
            lock (group.Lock)
            {
                if (group.State == GroupState.Dead)
                {
                    return true;
                }

                record = group.ToRecord(Now);
            }

            await SaveRecordAsync(record, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            GroupCoordinatorLog.StoreWriteFailed(_logger, group.GroupId, ex);
            return false;
        }
        finally
        {
            group.StoreGate.Release();
        }
    }

    /// <summary>
    /// Saves the group record, degrading it when the store's size limit refuses it: first without the
    /// members' subscription and assignment bytes, then without members. What a restarted coordinator
    /// reads back (generation, protocol type, state time) survives every step, so a large group still
    /// stabilises where Kafka's 1 MB record limit would let it, instead of rebalancing forever.
    /// </summary>
    private async Task SaveRecordAsync(GroupRecord record, CancellationToken ct)
    {
        try
        {
            await _store.SaveGroupAsync(record, ct).ConfigureAwait(false);
            return;
        }
        catch (GroupRecordTooLargeException)
        {
        }

        var slim = record with { Members = record.Members.Select(m => m with { Subscription = [], Assignment = [] }).ToList() };
        try
        {
            await _store.SaveGroupAsync(slim, ct).ConfigureAwait(false);
            return;
        }
        catch (GroupRecordTooLargeException)
        {
        }

        await _store.SaveGroupAsync(record with { Members = [] }, ct).ConfigureAwait(false);
    }

    /// <summary>Fire-and-forget save for transitions a timer drives (no request is waiting on it).</summary>
    private void QueueSave(ClassicGroup group) => _ = SaveInBackgroundAsync(group);

    private async Task SaveInBackgroundAsync(ClassicGroup group)
    {
        try
        {
            await SaveCurrentGroupAsync(group, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the next coordinator loads whatever the store last had.
        }
    }

    private void MarkDead(ClassicGroup group)
    {
        group.DisposeTimers();
        group.TransitionTo(GroupState.Dead, Now);
        Unload(group);
    }

    private async Task<bool> DeleteFromStoreQuietlyAsync(ClassicGroup group, CancellationToken ct)
    {
        try
        {
            await _store.DeleteGroupAsync(group.GroupId, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Memory already forgot the group; a later load finds what is left and expiry retries.
            GroupCoordinatorLog.StoreWriteFailed(_logger, group.GroupId, ex);
            return false;
        }
    }
}

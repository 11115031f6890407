using Fjord.Protocol;

namespace Fjord.Groups;

public sealed partial class GroupCoordinator
{
    /// <summary>
    /// ListGroups: groups in memory plus those only the store knows (loaded, hence Empty). State names
    /// and types compare case-insensitively, as Kafka does; a null or empty filter matches all.
    /// Store failures propagate (the handler answers COORDINATOR_NOT_AVAILABLE).
    /// </summary>
    public async Task<IReadOnlyList<GroupListing>> ListGroupsAsync(IReadOnlySet<string>? states, IReadOnlySet<string>? types, CancellationToken ct)
    {
        foreach (var groupId in await _store.ListGroupIdsAsync(ct).ConfigureAwait(false))
        {
            if (!_groups.ContainsKey(groupId) && Coordinates(groupId))
            {
                await GetOrLoadGroupAsync(groupId, ct).ConfigureAwait(false);
            }
        }

        if (types is { Count: > 0 } && !types.Any(t => string.Equals(t, ClassicGroupType, StringComparison.OrdinalIgnoreCase)))
        {
            return [];
        }

        var listings = new List<GroupListing>();
        foreach (var group in _groups.Values)
        {
            lock (group.Lock)
            {
                if (group.State == GroupState.Dead || !Coordinates(group.GroupId))
                {
                    continue;
                }

                var state = group.State.ToString();
                if (states is { Count: > 0 } && !states.Any(s => string.Equals(s, state, StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }

                listings.Add(new GroupListing(group.GroupId, group.ProtocolType ?? "", group.State, ClassicGroupType));
            }
        }

        listings.Sort((a, b) => string.CompareOrdinal(a.GroupId, b.GroupId));
        return listings;
    }

    /// <summary>DescribeGroups for one group; unknown groups are Dead with no error (Kafka's answer).</summary>
    public async Task<GroupDescription> DescribeGroupAsync(string groupId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(groupId))
        {
            return new GroupDescription(groupId ?? "", ErrorCode.InvalidGroupId, GroupState.Dead, "", "", []);
        }

        if (!Coordinates(groupId))
        {
            return new GroupDescription(groupId, ErrorCode.NotCoordinator, GroupState.Dead, "", "", []);
        }

        ClassicGroup? group;
        try
        {
            group = await GetOrLoadGroupAsync(groupId, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            GroupCoordinatorLog.StoreReadFailed(_logger, groupId, ex);
            return new GroupDescription(groupId, ErrorCode.CoordinatorNotAvailable, GroupState.Dead, "", "", []);
        }

        if (group is null)
        {
            return new GroupDescription(groupId, ErrorCode.None, GroupState.Dead, "", "", []);
        }

        lock (group.Lock)
        {
            if (group.State == GroupState.Dead)
            {
                return new GroupDescription(groupId, ErrorCode.None, GroupState.Dead, "", "", []);
            }

            // Kafka shows protocol, metadata and assignments only for a Stable group.
            var stable = group.State == GroupState.Stable;
            var protocol = stable ? group.ProtocolName ?? "" : "";
            var members = group.Members.Select(m => new GroupMemberDescription(
                m.MemberId, m.GroupInstanceId, m.ClientId, m.ClientHost,
                stable ? m.MetadataFor(protocol) : [],
                stable ? m.Assignment : [])).ToList();
            return new GroupDescription(groupId, ErrorCode.None, group.State, group.ProtocolType ?? "", protocol, members);
        }
    }

    /// <summary>DeleteGroups for one group: only an Empty group can go; its record and offsets are removed.</summary>
    public async Task<ErrorCode> DeleteGroupAsync(string groupId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(groupId))
        {
            return ErrorCode.InvalidGroupId;
        }

        if (!Coordinates(groupId))
        {
            return ErrorCode.NotCoordinator;
        }

        ClassicGroup? group;
        try
        {
            group = await GetOrLoadGroupAsync(groupId, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            GroupCoordinatorLog.StoreReadFailed(_logger, groupId, ex);
            return ErrorCode.CoordinatorNotAvailable;
        }

        if (group is null)
        {
            return ErrorCode.GroupIdNotFound;
        }

        // Under the store gate no commit can slip in between the check and the delete and resurrect offsets.
        await group.StoreGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            lock (group.Lock)
            {
                switch (group.State)
                {
                    case GroupState.Dead:
                        return ErrorCode.GroupIdNotFound;
                    case GroupState.Empty:
                        MarkDead(group);
                        break;
                    default:
                        return ErrorCode.NonEmptyGroup;
                }
            }

            if (!await DeleteFromStoreQuietlyAsync(group, ct).ConfigureAwait(false))
            {
                return ErrorCode.CoordinatorNotAvailable;
            }

            GroupCoordinatorLog.GroupDeleted(_logger, groupId);
            return ErrorCode.None;
        }
        finally
        {
            group.StoreGate.Release();
        }
    }
}

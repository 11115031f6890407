namespace Fjord.Groups;

/// <summary>A joined member of a classic group (Kafka's MemberMetadata). Guarded by its group's lock.</summary>
internal sealed class GroupMember(
    string memberId,
    string? groupInstanceId,
    string clientId,
    string clientHost,
    string protocolType,
    IReadOnlyList<(string Name, byte[] Metadata)> protocols,
    int rebalanceTimeoutMs,
    int sessionTimeoutMs,
    long joinSequence)
{
    /// <summary>Changes only when a static member is replaced by a rejoin under a new member id (KIP-345).</summary>
    public string MemberId { get; set; } = memberId;

    public string? GroupInstanceId { get; } = groupInstanceId;

    public string ClientId { get; } = clientId;

    public string ClientHost { get; } = clientHost;

    public string ProtocolType { get; } = protocolType;

    public IReadOnlyList<(string Name, byte[] Metadata)> Protocols { get; set; } = protocols;

    public int RebalanceTimeoutMs { get; set; } = rebalanceTimeoutMs;

    public int SessionTimeoutMs { get; set; } = sessionTimeoutMs;

    /// <summary>Join order: the leader's member list and a new leader follow it.</summary>
    public long JoinSequence { get; } = joinSequence;

    public byte[] Assignment { get; set; } = [];

    /// <summary>Until its first join completes a member may wait up to Kafka's new-member join timeout.</summary>
    public bool IsNew { get; set; } = true;

    public TaskCompletionSource<JoinGroupResult>? AwaitingJoin { get; set; }

    public TaskCompletionSource<SyncGroupResult>? AwaitingSync { get; set; }

    public ITimer? SessionTimer { get; set; }

    public DateTimeOffset SessionDeadline { get; set; }

    public bool IsStatic => GroupInstanceId is not null;

    public byte[] MetadataFor(string protocolName)
    {
        foreach (var (name, metadata) in Protocols)
        {
            if (name == protocolName)
            {
                return metadata;
            }
        }

        return [];
    }

    /// <summary>Kafka's vote: the member's most preferred protocol that every member supports.</summary>
    public string Vote(IReadOnlySet<string> candidates)
    {
        foreach (var (name, _) in Protocols)
        {
            if (candidates.Contains(name))
            {
                return name;
            }
        }

        throw new InvalidOperationException($"Member {MemberId} supports none of the group's candidate protocols.");
    }

    /// <summary>Same protocols, same order, byte-identical metadata: a rejoin that changes nothing.</summary>
    public bool Matches(IReadOnlyList<(string Name, byte[] Metadata)> protocols)
    {
        if (protocols.Count != Protocols.Count)
        {
            return false;
        }

        for (var i = 0; i < protocols.Count; i++)
        {
            if (protocols[i].Name != Protocols[i].Name || !protocols[i].Metadata.AsSpan().SequenceEqual(Protocols[i].Metadata))
            {
                return false;
            }
        }

        return true;
    }
}

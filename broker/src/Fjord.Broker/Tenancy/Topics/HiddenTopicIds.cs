using System.Runtime.CompilerServices;
using Fjord.Broker.Network;
using Fjord.Cluster;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Topics;

/// <summary>
/// The topic ids a tenant's connection sent that are not ids of its topics, each with the stand-in the handlers see
/// instead: a random id no topic has. Another tenant's topic id then takes exactly the path of an id that never
/// existed (UNKNOWN_TOPIC_ID), and the response carries the tenant's id back. The stand-ins live as long as the
/// connection, not the request, because an incremental fetch session (KIP-227) keeps answering for an id the
/// request that added it named; an id keeps its stand-in, so forgetting it later forgets the right partitions.
/// </summary>
internal sealed class HiddenTopicIds
{
    /// <summary>A connection naming more unknown ids than this is not a client; it starts over with fresh stand-ins.</summary>
    private const int MaxPerConnection = 1024;

    private static readonly ConditionalWeakTable<ClientSession, HiddenTopicIds> BySession = [];

    private readonly Dictionary<Guid, Guid> _standIns = [];
    private readonly Dictionary<Guid, Guid> _originals = [];

    /// <summary>
    /// The id a handler should see for <paramref name="topicId"/> from <paramref name="tenant"/>: the id itself when
    /// it is one of the tenant's topics, else its stand-in.
    /// </summary>
    public static Guid ToStored(TenantScope tenant, MetadataSnapshot snapshot, ClientSession session, Guid topicId)
    {
        if (snapshot.TopicsById.TryGetValue(topicId, out var topic) && tenant.Owns(topic.Name)) return topicId;
        return BySession.GetValue(session, static _ => new HiddenTopicIds()).StandIn(snapshot, topicId);
    }

    /// <summary>The id the tenant sent for a stand-in of a response; false for any other id.</summary>
    public static bool TryToClient(ClientSession session, Guid storedId, out Guid topicId)
    {
        topicId = storedId;
        if (!BySession.TryGetValue(session, out var hidden)) return false;
        lock (hidden._standIns) return hidden._originals.TryGetValue(storedId, out topicId);
    }

    /// <summary>Whether the connection was ever given a stand-in (the common case is not, and skips the lookups).</summary>
    public static bool Any(ClientSession session) => BySession.TryGetValue(session, out _);

    private Guid StandIn(MetadataSnapshot snapshot, Guid topicId)
    {
        lock (_standIns)
        {
            if (_standIns.TryGetValue(topicId, out var standIn)) return standIn;
            if (_standIns.Count >= MaxPerConnection)
            {
                _standIns.Clear();
                _originals.Clear();
            }
            do standIn = Guid.NewGuid();
            while (snapshot.TopicsById.ContainsKey(standIn) || snapshot.DeletedTopicIds.Contains(standIn) || _originals.ContainsKey(standIn));
            _standIns.Add(topicId, standIn);
            _originals.Add(standIn, topicId);
            return standIn;
        }
    }
}

using Fjord.Broker.Configuration;
using Fjord.Broker.Network;
using Fjord.Cluster;

namespace Fjord.Broker.Handlers;

/// <summary>
/// The brokers and controller a client is told about (Metadata, DescribeCluster, FindCoordinator).
/// A client reaches each broker through the listener it used to reach this one (Kafka matches
/// listener names), so a broker without an endpoint of that name is not shown.
/// </summary>
public sealed class ClusterBrokers(int nodeId, string? rack, AdvertisedListeners advertised)
{
    public readonly record struct Endpoint(int NodeId, string Host, int Port, string? Rack);

    /// <summary>This broker's node id.</summary>
    public int NodeId { get; } = nodeId;

    /// <summary>Every registered broker with an endpoint on <paramref name="listener"/>, by node id; this broker always (its registration may not be in the snapshot yet).</summary>
    public IReadOnlyList<Endpoint> Reachable(MetadataSnapshot snapshot, ListenerEndpoint listener)
    {
        var result = new List<Endpoint> { Self(listener) };
        foreach (var broker in snapshot.Brokers)
            if (broker.NodeId != NodeId && Find(snapshot, broker.NodeId, listener) is { } endpoint)
                result.Add(endpoint);
        result.Sort((a, b) => a.NodeId.CompareTo(b.NodeId));
        return result;
    }

    /// <summary><paramref name="nodeId"/>'s endpoint on <paramref name="listener"/>; null when it is not registered or has no such listener.</summary>
    public Endpoint? Find(MetadataSnapshot snapshot, int nodeId, ListenerEndpoint listener)
    {
        if (nodeId == NodeId) return Self(listener);
        if (!snapshot.BrokersById.TryGetValue(nodeId, out var registration)) return null;
        var endpoint = registration.Endpoints.FirstOrDefault(e => e.ListenerName == listener.Name);
        return endpoint is null ? null : new Endpoint(nodeId, endpoint.Host, endpoint.Port, registration.Rack);
    }

    /// <summary>The lease holder; -1 while there is none.</summary>
    public static int ControllerId(MetadataSnapshot snapshot) => snapshot.Controller?.ControllerId ?? -1;

    private Endpoint Self(ListenerEndpoint listener)
    {
        var self = advertised.For(listener);
        return new Endpoint(NodeId, self.Host, self.Port, rack);
    }
}

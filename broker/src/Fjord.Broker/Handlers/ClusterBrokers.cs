using Fjord.Broker.Configuration;
using Fjord.Broker.Server;
using Fjord.Cluster;

namespace Fjord.Broker.Handlers;

/// <summary>
/// The brokers and controller a client is told about (Metadata, DescribeCluster, FindCoordinator).
/// A client reaches each broker through the listener it used to reach this one (Kafka matches
/// listener names), so a broker without an endpoint of that name is not shown.
/// </summary>
internal static class ClusterBrokers
{
    public readonly record struct Endpoint(int NodeId, string Host, int Port, string? Rack);

    /// <summary>Every registered broker with an endpoint on <paramref name="listener"/>, by node id; this broker always (its registration may not be in the snapshot yet).</summary>
    public static IReadOnlyList<Endpoint> Reachable(BrokerContext context, MetadataSnapshot snapshot, ListenerEndpoint listener)
    {
        var result = new List<Endpoint> { Self(context, listener) };
        foreach (var broker in snapshot.Brokers)
            if (broker.NodeId != context.NodeId && Find(context, snapshot, broker.NodeId, listener) is { } endpoint)
                result.Add(endpoint);
        result.Sort((a, b) => a.NodeId.CompareTo(b.NodeId));
        return result;
    }

    /// <summary><paramref name="nodeId"/>'s endpoint on <paramref name="listener"/>; null when it is not registered or has no such listener.</summary>
    public static Endpoint? Find(BrokerContext context, MetadataSnapshot snapshot, int nodeId, ListenerEndpoint listener)
    {
        if (nodeId == context.NodeId) return Self(context, listener);
        if (!snapshot.BrokersById.TryGetValue(nodeId, out var registration)) return null;
        var endpoint = registration.Endpoints.FirstOrDefault(e => e.ListenerName == listener.Name);
        return endpoint is null ? null : new Endpoint(nodeId, endpoint.Host, endpoint.Port, registration.Rack);
    }

    /// <summary>The lease holder; -1 while there is none.</summary>
    public static int ControllerId(MetadataSnapshot snapshot) => snapshot.Controller?.ControllerId ?? -1;

    private static Endpoint Self(BrokerContext context, ListenerEndpoint listener)
    {
        var self = context.AdvertisedFor(listener);
        return new Endpoint(context.NodeId, self.Host, self.Port, context.Config.Rack);
    }
}

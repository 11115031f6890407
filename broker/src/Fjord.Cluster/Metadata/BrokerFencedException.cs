namespace Fjord.Cluster;

/// <summary>
/// A heartbeat from a broker incarnation that is no longer the registered one (the node restarted
/// and re-registered, or was never registered). The caller must stop acting as that broker.
/// </summary>
public sealed class BrokerFencedException : Exception
{
    public BrokerFencedException(int nodeId, Guid incarnationId, Guid? registeredIncarnationId)
        : base(registeredIncarnationId is { } registered
            ? $"Broker {nodeId} incarnation {incarnationId} is fenced: the registered incarnation is {registered}."
            : $"Broker {nodeId} incarnation {incarnationId} is fenced: no registration exists for node {nodeId}.")
    {
        NodeId = nodeId;
        IncarnationId = incarnationId;
        RegisteredIncarnationId = registeredIncarnationId;
    }

    public BrokerFencedException()
    {
    }

    public BrokerFencedException(string message)
        : base(message)
    {
    }

    public BrokerFencedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int NodeId { get; }

    public Guid IncarnationId { get; }

    /// <summary>The incarnation that holds the node id now, or null when the node is not registered.</summary>
    public Guid? RegisteredIncarnationId { get; }
}

namespace Fjord.ControlPlane.Cluster;

/// <summary>
/// How the control plane judges the cluster. <paramref name="SessionTimeout"/> is the brokers'
/// <c>broker.session.timeout.ms</c>: a broker whose heartbeat is older is taken for dead. Unlike the controller,
/// which watches heartbeats move on its own clock, the control plane answers one request and compares the heartbeat's
/// time with its own clock, so clock skew between the machines shifts the judgement by as much; Azure's clocks are
/// kept within far less than the 6 s default. <paramref name="DefaultMinInsyncReplicas"/> is the brokers'
/// <c>min.insync.replicas</c>, for topics that do not set it.
/// </summary>
public sealed record ClusterStatusOptions(TimeSpan SessionTimeout, int DefaultMinInsyncReplicas)
{
    public static ClusterStatusOptions Default { get; } = new(TimeSpan.FromSeconds(6), 1);
}

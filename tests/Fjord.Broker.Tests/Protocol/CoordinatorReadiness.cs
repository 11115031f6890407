using Fjord.Broker.Tests.Infrastructure;
using Fjord.Cluster;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Protocol;

/// <summary>
/// Group requests reach a coordinator only once the controller has placed the offsets topic and the
/// broker's metadata shows its leaders (until then Kafka's NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE,
/// which real clients retry and raw-protocol tests would not).
/// </summary>
public static class CoordinatorReadiness
{
    public static Task WaitAsync(FjordTestCluster host, TimeSpan timeout) => Poll.UntilAsync(() =>
    {
        var context = host.InProcess();
        var snapshot = context.Metadata.Current;

        // No controller anywhere: a broker alone coordinates every group itself.
        if (snapshot.Controller is null && context.Controller is null) return true;
        return snapshot.TopicsByName.TryGetValue(TopicNames.ConsumerOffsets, out var offsets)
            && Enumerable.Range(0, offsets.PartitionCount).All(p => snapshot.PartitionStateOf(offsets.Name, p) is { Leader: >= 0 });
    }, timeout, "every partition of the offsets topic to have a leader");
}

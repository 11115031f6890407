using Fjord.Protocol;

namespace Fjord.Controller;

/// <summary>
/// Decides where a new topic's (or new partitions') replicas go. Pure: no I/O, no clock; randomness comes
/// from the caller's <see cref="Random"/> so a seeded one makes placement reproducible.
/// </summary>
/// <remarks>
/// The layout is Kafka's (<c>assignReplicasToBrokersRackUnaware</c> / <c>RackAware</c>): partition p's
/// preferred leader is broker (p + start) in a ring, and its followers sit at a shift from it that grows
/// by one every full turn of the ring, so the followers of one broker's partitions are spread over all the
/// others and losing a broker spreads its load instead of doubling one neighbour's. That layout balances
/// only what it places; when the brokers already hold unequal numbers of replicas, each replica instead
/// goes to the least loaded eligible broker (see <c>AssignByLoad</c>), so the cluster converges to an even
/// count by replicas.
/// </remarks>
public static partial class ReplicaPlacement
{
    /// <summary>
    /// Places <paramref name="partitionCount"/> partitions numbered from <paramref name="startPartition"/>
    /// (non-zero for CreatePartitions) on <paramref name="liveBrokers"/>. The result's list index i is
    /// partition <c>startPartition + i</c>.
    /// </summary>
    public static PlacementResult Assign(
        int partitionCount,
        short replicationFactor,
        IReadOnlyList<BrokerInfo> liveBrokers,
        IReadOnlyDictionary<int, int> existingReplicaCounts,
        Random random,
        int startPartition = 0)
    {
        ArgumentNullException.ThrowIfNull(liveBrokers);
        ArgumentNullException.ThrowIfNull(existingReplicaCounts);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(startPartition);
        if (liveBrokers.Select(b => b.Id).Distinct().Count() != liveBrokers.Count)
        {
            throw new ArgumentException("Broker ids must be unique.", nameof(liveBrokers));
        }

        if (partitionCount <= 0)
        {
            return PlacementResult.Failure(ErrorCode.InvalidPartitions, "Number of partitions must be larger than 0.");
        }

        if (replicationFactor <= 0)
        {
            return PlacementResult.Failure(ErrorCode.InvalidReplicationFactor, "Replication factor must be larger than 0.");
        }

        if (replicationFactor > liveBrokers.Count)
        {
            return PlacementResult.Failure(
                ErrorCode.InvalidReplicationFactor,
                $"Replication factor: {replicationFactor} larger than available brokers: {liveBrokers.Count}.");
        }

        var withRack = liveBrokers.Count(b => b.HasRack);
        var rackAware = withRack > 0;
        var balanced = liveBrokers.All(b => CountOf(existingReplicaCounts, b.Id) == CountOf(existingReplicaCounts, liveBrokers[0].Id));
        if (!rackAware)
        {
            return PlacementResult.Success(balanced
                ? AssignRackUnaware(partitionCount, replicationFactor, liveBrokers, random, startPartition)
                : AssignByLoad(partitionCount, replicationFactor, liveBrokers, existingReplicaCounts, rackAware: false));
        }

        // Kafka's enforced rack-aware mode: a half-labelled cluster would silently put two replicas in one
        // unlabelled "rack", so it is refused rather than guessed.
        if (withRack != liveBrokers.Count)
        {
            return PlacementResult.Failure(
                ErrorCode.InvalidReplicaAssignment,
                "Not all brokers have rack information for replica rack aware assignment.");
        }

        return PlacementResult.Success(balanced
            ? AssignRackAware(partitionCount, replicationFactor, liveBrokers, random, startPartition)
            : AssignByLoad(partitionCount, replicationFactor, liveBrokers, existingReplicaCounts, rackAware: true));
    }

    private static List<IReadOnlyList<int>> AssignRackUnaware(
        int partitionCount,
        short replicationFactor,
        IReadOnlyList<BrokerInfo> brokers,
        Random random,
        int startPartition)
    {
        var ring = brokers.Select(b => b.Id).Order().ToArray();
        var startIndex = random.Next(ring.Length);
        var shift = random.Next(ring.Length);
        var n = ring.Length;
        var result = new List<IReadOnlyList<int>>(partitionCount);
        var partition = startPartition;
        for (var i = 0; i < partitionCount; i++, partition++)
        {
            if (partition > 0 && partition % n == 0)
            {
                shift++;
            }

            var first = (partition + startIndex) % n;
            var replicas = new int[replicationFactor];
            replicas[0] = ring[first];
            for (var j = 0; j < replicationFactor - 1; j++)
            {
                replicas[j + 1] = ring[FollowerIndex(first, shift, j, n)];
            }

            result.Add(replicas);
        }

        return result;
    }

    // Kafka's replicaIndex: the shift is taken modulo n - 1 and offset by one, so a follower is never the leader.
    private static int FollowerIndex(int firstReplicaIndex, int shift, int replicaIndex, int brokerCount)
    {
        if (brokerCount == 1)
        {
            return firstReplicaIndex;
        }

        var offset = 1 + ((shift + replicaIndex) % (brokerCount - 1));
        return (firstReplicaIndex + offset) % brokerCount;
    }

    private static int CountOf(IReadOnlyDictionary<int, int> counts, int brokerId) =>
        counts.TryGetValue(brokerId, out var count) ? count : 0;
}

namespace Fjord.Controller;

public static partial class ReplicaPlacement
{
    /// <summary>
    /// Placement onto an unevenly loaded cluster: every replica goes to the eligible broker holding the
    /// fewest replicas so far (existing plus those placed in this call), ties going to the next broker
    /// round the ring after the previous partition's leader, so leadership rotates among equals. Eligible
    /// means not already a replica of the partition and, with racks, in a rack the partition does not use
    /// yet until it uses them all. Partition ids play no part: the existing load already says where the
    /// earlier partitions went.
    /// </summary>
    private static List<IReadOnlyList<int>> AssignByLoad(
        int partitionCount,
        short replicationFactor,
        IReadOnlyList<BrokerInfo> brokers,
        IReadOnlyDictionary<int, int> existingReplicaCounts,
        bool rackAware)
    {
        var ring = rackAware
            ? RackAlternatedRing(brokers, existingReplicaCounts)
            : [.. brokers.Select(b => b.Id).OrderBy(id => CountOf(existingReplicaCounts, id)).ThenBy(id => id)];
        var rackOf = brokers.ToDictionary(b => b.Id, b => b.Rack ?? string.Empty);
        var racks = rackOf.Values.Distinct(StringComparer.Ordinal).Count();
        var load = ring.ToDictionary(id => id, id => CountOf(existingReplicaCounts, id));
        var n = ring.Length;
        var result = new List<IReadOnlyList<int>>(partitionCount);
        var usedRacks = new HashSet<string>(StringComparer.Ordinal);
        var cursor = 0;
        for (var p = 0; p < partitionCount; p++)
        {
            var replicas = new int[replicationFactor];
            usedRacks.Clear();
            var leaderIndex = -1;
            for (var j = 0; j < replicationFactor; j++)
            {
                var bestIndex = -1;
                for (var k = 0; k < n; k++)
                {
                    var index = (cursor + k) % n;
                    var candidate = ring[index];
                    if (replicas.AsSpan(0, j).Contains(candidate)
                        || (rackAware && usedRacks.Count < racks && usedRacks.Contains(rackOf[candidate])))
                    {
                        continue;
                    }

                    if (bestIndex < 0 || load[candidate] < load[ring[bestIndex]])
                    {
                        bestIndex = index;
                    }
                }

                var chosen = ring[bestIndex];
                replicas[j] = chosen;
                load[chosen]++;
                usedRacks.Add(rackOf[chosen]);
                if (j == 0)
                {
                    leaderIndex = bestIndex;
                }
            }

            cursor = (leaderIndex + 1) % n;
            result.Add(replicas);
        }

        return result;
    }
}

namespace Fjord.Controller;

public static partial class ReplicaPlacement
{
    /// <summary>
    /// Kafka's rack-aware layout: the ring alternates racks (a1, b1, c1, a2, b2, ...), and each follower is
    /// the next broker along the shifted ring whose rack holds no replica of this partition yet — until
    /// every rack holds one, after which any broker not yet used will do. So a partition spans
    /// min(replication factor, racks) racks.
    /// </summary>
    private static List<IReadOnlyList<int>> AssignRackAware(
        int partitionCount,
        short replicationFactor,
        IReadOnlyList<BrokerInfo> brokers,
        Random random,
        int startPartition)
    {
        var rackOf = brokers.ToDictionary(b => b.Id, b => b.Rack!);
        var ring = RackAlternatedRing(brokers, EmptyCounts);
        var racks = rackOf.Values.Distinct(StringComparer.Ordinal).Count();
        var startIndex = random.Next(ring.Length);
        var shift = random.Next(ring.Length);
        var n = ring.Length;
        var result = new List<IReadOnlyList<int>>(partitionCount);
        var usedRacks = new HashSet<string>(StringComparer.Ordinal);
        var usedBrokers = new HashSet<int>();
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
            usedRacks.Clear();
            usedBrokers.Clear();
            usedRacks.Add(rackOf[ring[first]]);
            usedBrokers.Add(ring[first]);
            var k = 0;
            for (var j = 1; j < replicationFactor; j++)
            {
                while (true)
                {
                    var candidate = ring[FollowerIndex(first, shift * racks, k++, n)];
                    var rack = rackOf[candidate];
                    if ((!usedRacks.Contains(rack) || usedRacks.Count == racks) && !usedBrokers.Contains(candidate))
                    {
                        replicas[j] = candidate;
                        usedRacks.Add(rack);
                        usedBrokers.Add(candidate);
                        break;
                    }
                }
            }

            result.Add(replicas);
        }

        return result;
    }

    private static readonly Dictionary<int, int> EmptyCounts = [];

    // Racks in order of the replicas they already hold (then by name), brokers within a rack likewise,
    // so that with no existing load this is exactly Kafka's getRackAlternatedBrokerList.
    private static int[] RackAlternatedRing(IReadOnlyList<BrokerInfo> brokers, IReadOnlyDictionary<int, int> counts)
    {
        var byRack = brokers
            .GroupBy(b => b.Rack!, StringComparer.Ordinal)
            .Select(g => new
            {
                Rack = g.Key,
                Load = g.Sum(b => CountOf(counts, b.Id)),
                Brokers = g.Select(b => b.Id).OrderBy(id => CountOf(counts, id)).ThenBy(id => id).ToArray(),
            })
            .OrderBy(r => r.Load)
            .ThenBy(r => r.Rack, StringComparer.Ordinal)
            .ToArray();
        var ring = new List<int>(brokers.Count);
        for (var round = 0; ring.Count < brokers.Count; round++)
        {
            foreach (var rack in byRack)
            {
                if (round < rack.Brokers.Length)
                {
                    ring.Add(rack.Brokers[round]);
                }
            }
        }

        return [.. ring];
    }
}

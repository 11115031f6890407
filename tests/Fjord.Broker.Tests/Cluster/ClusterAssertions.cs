using System.Text;
using Confluent.Kafka;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Cluster;

/// <summary>The checks every fault test ends with: nothing acknowledged is lost, anywhere.</summary>
public static class ClusterAssertions
{
    /// <summary>
    /// Waits for every replica of every partition to be back in the ISR, then for the replicas' logs
    /// to be byte-identical below the high watermark (partition leader epochs included), and checks
    /// that each replica's own files hold every acknowledged message at its acknowledged offset.
    /// </summary>
    public static async Task AcknowledgedWritesAreOnEveryReplicaAsync(
        FjordTestCluster cluster, string topic, int partitions, IReadOnlyDictionary<(int Partition, long Offset), string> acknowledged, TimeSpan timeout)
    {
        for (var p = 0; p < partitions; p++)
        {
            var state = await cluster.WaitForPartitionAsync(topic, p, s => s.Leader >= 0 && s.Isr.Count == s.Replicas.Count, timeout,
                "every replica back in the ISR");
            var highWatermark = cluster.HighWatermark(topic, p);
            var acked = acknowledged.Where(a => a.Key.Partition == p).ToList();
            var maxAcked = acked.Count == 0 ? -1 : acked.Max(a => a.Key.Offset);
            Assert.True(maxAcked < highWatermark,
                $"{topic}-{p}: acknowledged offset {maxAcked} is at or above the high watermark {highWatermark}: an acknowledged write was truncated. {FjordTestCluster.Describe(state)}");

            Dictionary<int, byte[]> bytes = [];
            try
            {
                await Poll.UntilAsync(() =>
                {
                    bytes = ReplicaLogFiles.CommittedBytes(cluster, topic, p, state.Replicas, highWatermark);
                    return bytes.Values.All(b => b.AsSpan().SequenceEqual(bytes[state.Leader]));
                }, timeout, $"{topic}-{p}: replicas byte-identical below the high watermark {highWatermark}");
            }
            catch (TimeoutException e)
            {
                Assert.Fail($"{e.Message}: {DescribeDifference(bytes, state.Leader)}");
            }

            foreach (var replica in state.Replicas)
            {
                var records = ReplicaLogFiles.ReadRecords(cluster[replica].LogDir, topic, p);
                foreach (var ((_, offset), value) in acked)
                {
                    Assert.True(records.TryGetValue(offset, out var record),
                        $"{topic}-{p}: broker {replica}'s log has no record at acknowledged offset {offset} ({value})");
                    Assert.Equal(value, Encoding.UTF8.GetString(record!.Value ?? []));
                }
            }
        }
    }

    /// <summary>
    /// Reads every partition from the start through a consumer and checks every acknowledged
    /// message at its offset. A message retried after a lost response may appear a second time at
    /// another offset (at-least-once without idempotence): only the acknowledged offset must hold it.
    /// Returns how many acknowledged values appear more than once, for the test's output.
    /// </summary>
    public static int AcknowledgedWritesAreReadable(
        FjordTestCluster cluster, string topic, int partitions, IReadOnlyDictionary<(int Partition, long Offset), string> acknowledged)
    {
        var highWatermarks = Enumerable.Range(0, partitions).Select(p => cluster.HighWatermark(topic, p)).ToArray();
        var consumed = KafkaClients.ReadAll(cluster.BootstrapServers, topic, partitions, p => (int)highWatermarks[p], TimeSpan.FromSeconds(60));
        var byOffset = new Dictionary<(int, long), string>();
        foreach (var (partition, records) in consumed)
        {
            Assert.True(records.Count == highWatermarks[partition],
                $"{topic}-{partition}: read {records.Count} records below the high watermark {highWatermarks[partition]}");
            foreach (var record in records)
                byOffset[(partition, record.Offset.Value)] = Encoding.UTF8.GetString(record.Message.Value ?? []);
        }

        foreach (var (key, value) in acknowledged)
        {
            Assert.True(byOffset.TryGetValue(key, out var found), $"acknowledged {value} at {topic}-{key.Partition}@{key.Offset} is not readable");
            Assert.True(value == found, $"{topic}-{key.Partition}@{key.Offset} was acknowledged for {value} but holds {found}");
        }

        return byOffset.Values.GroupBy(v => v).Count(g => g.Count() > 1);
    }

    private static string DescribeDifference(Dictionary<int, byte[]> bytes, int leader)
    {
        if (!bytes.TryGetValue(leader, out var reference))
            return "no bytes read";
        var text = new StringBuilder();
        foreach (var (replica, replicaBytes) in bytes)
        {
            var common = reference.AsSpan().CommonPrefixLength(replicaBytes);
            text.Append($"broker {replica}: {replicaBytes.Length} bytes, first difference from the leader {leader} at byte {common}; ");
        }

        return text.ToString();
    }
}

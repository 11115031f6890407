using Confluent.Kafka;

namespace Fjord.Perf.Suite;

/// <summary>One cell of the suite matrix: record size × acks × partitions.</summary>
internal sealed record SuiteCase(int RecordSize, Acks Acks, int Partitions)
{
    /// <summary>100 B and 1 KiB records × acks 1 and all × 1 and 8 partitions.</summary>
    public static IEnumerable<SuiteCase> Matrix()
    {
        foreach (var size in new[] { 100, 1024 })
        {
            foreach (var acks in new[] { Acks.Leader, Acks.All })
            {
                foreach (var partitions in new[] { 1, 8 })
                    yield return new SuiteCase(size, acks, partitions);
            }
        }
    }
}

using System.Buffers.Binary;
using Fjord.Log.Records;
using Fjord.Log.Tests.Support;

namespace Fjord.Log.Tests;

/// <summary>
/// A fetch read finds where its whole batches end from the offset index and the byte budget: it does not
/// read the headers of the batches it sends, and it ends exactly where a walk over every header would.
/// </summary>
public class ReadBoundaryTests
{
    [Fact]
    public void AReadDoesNotLookAtTheHeadersOfTheBatchesInsideItsBudget()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(LogConfig.Default with { IndexIntervalBytes = 0 });
        var batches = Enumerable.Range(0, 40).Select(_ => RecordBatchBuilder.Build(1, ctx.NowMs, valueSize: 1000)).ToArray();
        foreach (var batch in batches)
        {
            LogTestContext.AppendCommitted(log, batch);
        }

        log.Flush();
        // A header in the middle of the range that, if read, would send the walk astray.
        var position = batches.Take(10).Sum(b => b.Length);
        using (var file = new FileStream(Path.Combine(ctx.PartitionDir, "00000000000000000000.log"), FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            var garbage = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(garbage, 7);
            file.Position = position + 8;
            file.Write(garbage);
        }

        var budget = batches.Take(30).Sum(b => b.Length) + (batches[30].Length / 2);
        using var read = log.Read(0, budget, log.HighWatermark, minOneMessage: true);

        Assert.Equal(batches.Take(30).Sum(b => b.Length), read.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4096)]
    [InlineData(64 * 1024)]
    public void ReadsEndWhereAWalkOverEveryHeaderEnds(int indexIntervalBytes)
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(LogConfig.Default with { IndexIntervalBytes = indexIntervalBytes });
        var random = new Random(indexIntervalBytes);
        var batches = Enumerable.Range(0, 300).Select(_ => RecordBatchBuilder.Build(random.Next(1, 6), ctx.NowMs, valueSize: random.Next(10, 3000))).ToArray();
        var committed = 250;
        for (var i = 0; i < batches.Length; i++)
        {
            if (i < committed)
            {
                LogTestContext.AppendCommitted(log, batches[i]);
            }
            else
            {
                log.AppendAsLeader(batches[i], 0);
            }
        }

        var offsets = new long[batches.Length + 1];
        for (var i = 0; i < batches.Length; i++)
        {
            offsets[i + 1] = offsets[i] + new RecordBatch(batches[i]).LastOffsetDelta + 1;
        }

        for (var trial = 0; trial < 500; trial++)
        {
            var from = random.Next(0, batches.Length);
            var fetchOffset = offsets[from] + random.Next(0, (int)(offsets[from + 1] - offsets[from]));
            var maxBytes = random.Next(1, 200_000);
            var minOne = random.Next(2) == 0;
            var maxOffset = random.Next(3) == 0 ? log.HighWatermark : long.MaxValue;

            var expected = 0;
            for (var i = from; i < batches.Length && offsets[i + 1] - 1 < maxOffset; i++)
            {
                if (expected + batches[i].Length > maxBytes && !(i == from && minOne))
                {
                    break;
                }

                expected += batches[i].Length;
            }

            using var read = log.Read(fetchOffset, maxBytes, maxOffset, minOne);
            Assert.True(expected == read.Length, $"read({fetchOffset}, {maxBytes}, {maxOffset}, {minOne}): {read.Length} bytes, a walk says {expected}");
            if (expected > 0)
            {
                Assert.Equal(offsets[from], read.FirstOffset);
            }
        }
    }
}

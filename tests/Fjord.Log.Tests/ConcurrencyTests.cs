using Fjord.Log.Records;
using Fjord.Log.Tests.Support;

namespace Fjord.Log.Tests;

public class ConcurrencyTests
{
    [Fact]
    public async Task ReadersDuringAppendsRollsAndRetentionNeverSeeATornBatch()
    {
        using var ctx = new LogTestContext();
        var batchSize = RecordBatchBuilder.Build(8, 0).Length;
        var log = ctx.Open(LogConfig.Default with { SegmentBytes = batchSize * 5, RetentionBytes = batchSize * 12, IndexIntervalBytes = 256, FlushMessages = 50 });
        const int Appends = 600;
        var failures = new List<string>();
        var appending = true;

        var writer = Task.Run(() =>
        {
            for (var i = 0; i < Appends; i++)
            {
                LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(8, ctx.NowMs));
                if (i % 10 == 0)
                {
                    log.ApplyRetention();
                }
            }

            Volatile.Write(ref appending, false);
        });

        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var reads = 0;
            while (Volatile.Read(ref appending) || reads == 0)
            {
                var start = log.LogStartOffset;
                try
                {
                    using var result = log.Read(start, 64 * 1024, log.HighWatermark, true);
                    var bytes = new byte[result.Length];
                    result.CopyTo(bytes);
                    if (bytes.Length > 0)
                    {
                        BatchValidator.Validate(bytes, int.MaxValue);
                        reads++;
                    }
                }
                catch (OffsetOutOfRangeException)
                {
                    // Retention moved the start offset between reading it and fetching: a real consumer resets.
                }
                catch (Exception e) when (e is LogException)
                {
                    lock (failures)
                    {
                        failures.Add(e.Message);
                    }
                }
            }

            return reads;
        })).ToArray();

        await writer.WaitAsync(TimeSpan.FromMinutes(2));
        var reads = await Task.WhenAll(readers).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Empty(failures);
        Assert.All(reads, r => Assert.True(r > 0));
        Assert.Equal(Appends * 8, log.LogEndOffset);
        Assert.True(log.LogStartOffset > 0);
    }
}

public class LongPollTests
{
    [Fact]
    public async Task ALongPollingReaderNeverMissesTheLastAppend()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        const int Appends = 500;
        var payloads = Enumerable.Range(0, Appends).Select(_ => RecordBatchBuilder.Build(1, ctx.NowMs)).ToArray();

        var consumer = Task.Run(async () =>
        {
            var seen = 0L;
            var wakeups = 0;
            while (seen < Appends)
            {
                await log.WaitForAppendAsync(seen, CancellationToken.None);
                seen = log.LogEndOffset;
                wakeups++;
            }

            return wakeups;
        });
        var producer = Task.Run(() =>
        {
            foreach (var payload in payloads)
            {
                log.AppendAsLeader(payload, 0);
            }
        });

        await producer.WaitAsync(TimeSpan.FromMinutes(1));
        var wakeups = await consumer.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.InRange(wakeups, 1, Appends);
    }

    [Fact]
    public async Task ClosingTheLogWakesItsLongPollers()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        var waiting = log.WaitForAppendAsync(log.LogEndOffset, CancellationToken.None);

        log.Close();

        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
    }
}

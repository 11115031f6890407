using Fjord.Log.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Log.Tests;

/// <summary>The log manager's flush observer hears of every fsync of every log it opens (Kafka's LogFlushStats), and of nothing else.</summary>
public class LogFlushObserverTests
{
    [Fact]
    public void EveryFsyncOfANewOrReloadedLogIsReportedAndAFlushWithNothingNewIsNot()
    {
        using var ctx = new LogTestContext();
        var observer = new CountingObserver();
        var dirs = new[] { Path.Combine(ctx.Root, "data") };
        var options = new LogManagerOptions { FlushObserver = observer };
        var manager = new LogManager(dirs, LogConfig.Default, ctx.Time, NullLoggerFactory.Instance, options);
        manager.Startup();
        var log = manager.GetOrCreate("t", 0, Guid.NewGuid(), LogConfig.Default);

        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(5, ctx.NowMs));
        log.Flush();
        Assert.Equal(1, observer.Flushes);
        log.Flush();
        Assert.Equal(1, observer.Flushes);
        manager.Close();

        var reloadedObserver = new CountingObserver();
        var restarted = new LogManager(dirs, LogConfig.Default, ctx.Time, NullLoggerFactory.Instance, options with { FlushObserver = reloadedObserver });
        restarted.Startup();
        var reloaded = restarted.Get("t", 0)!;
        LogTestContext.AppendCommitted(reloaded, RecordBatchBuilder.Build(3, ctx.NowMs));
        reloaded.Flush();
        Assert.Equal(1, reloadedObserver.Flushes);
        Assert.True(reloadedObserver.Total >= TimeSpan.Zero);
        restarted.Close();
    }

    private sealed class CountingObserver : ILogFlushObserver
    {
        public int Flushes { get; private set; }

        public TimeSpan Total { get; private set; }

        public void Flushed(TimeSpan elapsed)
        {
            Flushes++;
            Total += elapsed;
        }
    }
}

using Fjord.Log.Checkpoints;
using Fjord.Log.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Log.Tests;

public class LogManagerTests
{
    private static LogManager NewManager(LogTestContext ctx, params string[] dirs) =>
        new(dirs.Length == 0 ? [Path.Combine(ctx.Root, "data")] : dirs, LogConfig.Default, ctx.Time, NullLoggerFactory.Instance, new LogManagerOptions());

    [Fact]
    public void StartupReloadsTopicsWhoseNamesContainDashesAfterACleanClose()
    {
        using var ctx = new LogTestContext();
        var topicId = Guid.NewGuid();
        var manager = NewManager(ctx);
        manager.Startup();
        var log = manager.GetOrCreate("my-dashed-topic", 7, topicId, LogConfig.Default);
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(5, ctx.NowMs));
        log.DeleteRecordsBefore(2);
        manager.Close();

        var dataDir = Path.Combine(ctx.Root, "data");
        Assert.True(File.Exists(Path.Combine(dataDir, LogManager.CleanShutdownFileName)));
        Assert.Equal("0\n1\nmy-dashed-topic 7 5\n", File.ReadAllText(Path.Combine(dataDir, "recovery-point-offset-checkpoint")));
        Assert.Equal("0\n1\nmy-dashed-topic 7 2\n", File.ReadAllText(Path.Combine(dataDir, "log-start-offset-checkpoint")));

        var restarted = NewManager(ctx);
        restarted.Startup();
        var reloaded = restarted.Get("my-dashed-topic", 7);

        Assert.NotNull(reloaded);
        Assert.False(File.Exists(Path.Combine(dataDir, LogManager.CleanShutdownFileName)));
        Assert.Equal(0, reloaded.SegmentsRecoveredOnOpen);
        Assert.Equal(topicId, reloaded.TopicId);
        Assert.Equal(5, reloaded.LogEndOffset);
        Assert.Equal(2, reloaded.LogStartOffset);
        Assert.Equal(5, reloaded.HighWatermark);
        restarted.Close();
    }

    [Fact]
    public void StartupWithoutTheMarkerRecoversEveryLog()
    {
        using var ctx = new LogTestContext();
        var manager = NewManager(ctx);
        manager.Startup();
        LogTestContext.AppendCommitted(manager.GetOrCreate("t", 0, Guid.NewGuid(), LogConfig.Default), RecordBatchBuilder.Build(5, ctx.NowMs));
        manager.Close();
        File.Delete(Path.Combine(ctx.Root, "data", LogManager.CleanShutdownFileName));

        var restarted = NewManager(ctx);
        restarted.Startup();

        Assert.Equal(1, restarted.Get("t", 0)!.SegmentsRecoveredOnOpen);
        Assert.Equal(5, restarted.Get("t", 0)!.LogEndOffset);
        restarted.Close();
    }

    [Fact]
    public void ALogWithAStaleTopicIdIsReplacedByAFreshOne()
    {
        using var ctx = new LogTestContext();
        var manager = NewManager(ctx);
        manager.Startup();
        var old = manager.GetOrCreate("orders", 0, Guid.NewGuid(), LogConfig.Default);
        LogTestContext.AppendCommitted(old, RecordBatchBuilder.Build(5, ctx.NowMs));
        manager.Close();

        var restarted = NewManager(ctx);
        restarted.Startup();
        var newId = Guid.NewGuid();
        var fresh = restarted.GetOrCreate("orders", 0, newId, LogConfig.Default);

        Assert.Equal(newId, fresh.TopicId);
        Assert.Equal(0, fresh.LogEndOffset);
        Assert.Equal(newId, PartitionMetadataFile.Read(fresh.TopicPartitionDirectory));
        restarted.Close();
    }

    [Fact]
    public void NewPartitionsGoToTheDirectoryWithTheFewestPartitions()
    {
        using var ctx = new LogTestContext();
        var a = Path.Combine(ctx.Root, "a");
        var b = Path.Combine(ctx.Root, "b");
        var manager = NewManager(ctx, a, b);
        manager.Startup();

        var dirs = Enumerable.Range(0, 4)
            .Select(p => Path.GetDirectoryName(manager.GetOrCreate("t", p, Guid.NewGuid(), LogConfig.Default).TopicPartitionDirectory))
            .ToList();

        Assert.Equal(2, dirs.Count(d => d == a));
        Assert.Equal(2, dirs.Count(d => d == b));
        manager.Close();
    }

    [Fact]
    public void DeleteRenamesTheDirectoryAndRemovesItInTheBackground()
    {
        using var ctx = new LogTestContext();
        var manager = NewManager(ctx);
        manager.Startup();
        var log = manager.GetOrCreate("gone", 0, Guid.NewGuid(), LogConfig.Default);
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(5, ctx.NowMs));

        manager.Delete("gone", 0);

        Assert.Null(manager.Get("gone", 0));
        Assert.False(Directory.Exists(log.TopicPartitionDirectory));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Directory.GetDirectories(Path.Combine(ctx.Root, "data")).Length > 0 && DateTime.UtcNow < deadline)
        {
            Thread.Yield();
        }

        Assert.Empty(Directory.GetDirectories(Path.Combine(ctx.Root, "data")));
        manager.Close();
    }

    [Fact]
    public void BackgroundRetentionRunsOnTheConfiguredInterval()
    {
        using var ctx = new LogTestContext();
        var manager = new LogManager([Path.Combine(ctx.Root, "data")], LogConfig.Default, ctx.Time, NullLoggerFactory.Instance, new LogManagerOptions { RetentionCheckIntervalMs = 1000 });
        manager.Startup();
        var log = manager.GetOrCreate("t", 0, Guid.NewGuid(), LogConfig.Default with { RetentionMs = 500 });
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(5, ctx.NowMs));
        using var cts = new CancellationTokenSource();
        manager.Start(cts.Token);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (log.LogStartOffset != 5 && DateTime.UtcNow < deadline)
        {
            ctx.Time.Advance(TimeSpan.FromMilliseconds(1000));
            Thread.Sleep(10); // yields to the timer continuation; the deadline, not the sleep, bounds the test
        }

        Assert.Equal(5, log.LogStartOffset);
        manager.Close();
    }
}

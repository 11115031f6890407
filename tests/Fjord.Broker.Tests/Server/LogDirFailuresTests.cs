using Fjord.Broker.Partitions;
using Fjord.Broker.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Tests.Server;

/// <summary>Issue 11, item 4: a full disk is logged once per episode, with the dir, the partition and the free space.</summary>
public sealed class LogDirFailuresTests
{
    private static readonly IOException DiskFull = new("No space left on device", 28);

    [Fact]
    public void AFullDiskIsLoggedOncePerEpisodeWithDirPartitionAndFreeSpace()
    {
        var logger = new RecordingLogger<LogDirFailures>();
        var failures = new LogDirFailures(logger, _ => 4096);

        failures.WriteFailed("/data/a/orders-3", "orders", 3, DiskFull);
        failures.WriteFailed("/data/a/orders-3", "orders", 3, DiskFull);
        failures.WriteFailed("/data/a/payments-0", "payments", 0, DiskFull);

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Contains("/data/a is full", entry.Message, StringComparison.Ordinal);
        Assert.Contains("orders-3", entry.Message, StringComparison.Ordinal);
        Assert.Contains("4,096 bytes free", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASucceedingWriteEndsTheEpisodeAndTheNextFailureIsLoggedAgain()
    {
        var logger = new RecordingLogger<LogDirFailures>();
        var failures = new LogDirFailures(logger, _ => 0);

        failures.WriteFailed("/data/a/orders-3", "orders", 3, DiskFull);
        failures.WriteSucceeded("/data/b/orders-1");
        failures.WriteSucceeded("/data/a/orders-0");
        failures.WriteFailed("/data/a/orders-3", "orders", 3, DiskFull);

        Assert.Equal(3, logger.Entries.Count);
        Assert.Contains("takes writes again", logger.Entries[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherStorageErrorsAreLoggedPerDirToo()
    {
        var logger = new RecordingLogger<LogDirFailures>();
        var failures = new LogDirFailures(logger, _ => null);

        failures.WriteFailed("/data/a/orders-3", "orders", 3, new UnauthorizedAccessException("denied"));
        failures.WriteFailed("/data/b/orders-3", "orders", 3, new IOException("I/O error", 5));

        Assert.Equal(2, logger.Entries.Count);
        Assert.All(logger.Entries, e => Assert.Contains("refuses writes (free space unknown)", e.Message, StringComparison.Ordinal));
    }
}

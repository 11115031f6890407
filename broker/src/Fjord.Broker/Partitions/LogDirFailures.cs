using System.Collections.Concurrent;
using Fjord.Log;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Partitions;

/// <summary>
/// Tells the operator when a log dir stops taking writes (a full disk above all), once per episode:
/// the dir, the partition whose write failed first, and the space left. Clients already get
/// KAFKA_STORAGE_ERROR and retry, so repeating the line per request would only bury it. The episode
/// ends at the first write to that dir that succeeds again, which is logged too.
/// </summary>
public sealed partial class LogDirFailures(ILogger<LogDirFailures> logger, Func<string, long?>? freeBytes = null)
{
    // errno ENOSPC (Linux) as .NET reports it; ERROR_DISK_FULL and ERROR_HANDLE_DISK_FULL on Windows.
    private const int Enospc = 28;
    private const int ErrorDiskFull = unchecked((int)0x80070070);
    private const int ErrorHandleDiskFull = unchecked((int)0x80070027);

    private readonly ConcurrentDictionary<string, byte> _failing = new(StringComparer.Ordinal);
    private readonly Func<string, long?> _freeBytes = freeBytes ?? FreeBytes;
    private int _failingCount;

    /// <summary>A write to <paramref name="log"/> failed with <paramref name="error"/> (already answered with KAFKA_STORAGE_ERROR).</summary>
    public void WriteFailed(PartitionLog log, Exception error) => WriteFailed(log.TopicPartitionDirectory, log.Topic, log.Partition, error);

    public void WriteFailed(string partitionDirectory, string topic, int partition, Exception error)
    {
        var dir = LogDirOf(partitionDirectory);
        if (!_failing.TryAdd(dir, 0)) return;
        Interlocked.Increment(ref _failingCount);
        var free = _freeBytes(dir) is { } bytes ? $"{bytes:N0} bytes free" : "free space unknown";
        if (IsDiskFull(error)) LogDiskFull(dir, topic, partition, free, error.Message);
        else LogWriteFailed(dir, topic, partition, free, error.Message);
    }

    /// <summary>A write to <paramref name="log"/> succeeded; ends its dir's episode. One volatile read on the produce path while all is well.</summary>
    public void WriteSucceeded(PartitionLog log)
    {
        if (Volatile.Read(ref _failingCount) == 0) return;
        WriteSucceeded(log.TopicPartitionDirectory);
    }

    public void WriteSucceeded(string partitionDirectory)
    {
        var dir = LogDirOf(partitionDirectory);
        if (!_failing.TryRemove(dir, out _)) return;
        Interlocked.Decrement(ref _failingCount);
        LogWritable(dir, _freeBytes(dir) is { } bytes ? $"{bytes:N0} bytes free" : "free space unknown");
    }

    public static bool IsDiskFull(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
            if (e is IOException { HResult: Enospc or ErrorDiskFull or ErrorHandleDiskFull }) return true;
        return false;
    }

    private static string LogDirOf(string partitionDirectory) => Path.GetDirectoryName(partitionDirectory) ?? partitionDirectory;

    private static long? FreeBytes(string dir)
    {
        try
        {
            return new DriveInfo(dir).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 3010, Level = LogLevel.Error, Message = "Log dir {LogDir} is full ({Free}): the write to {Topic}-{Partition} failed and producers get KAFKA_STORAGE_ERROR until space is freed ({Reason})")]
    private partial void LogDiskFull(string logDir, string topic, int partition, string free, string reason);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Error, Message = "Log dir {LogDir} refuses writes ({Free}): the write to {Topic}-{Partition} failed and producers get KAFKA_STORAGE_ERROR ({Reason})")]
    private partial void LogWriteFailed(string logDir, string topic, int partition, string free, string reason);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information, Message = "Log dir {LogDir} takes writes again ({Free})")]
    private partial void LogWritable(string logDir, string free);
}

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Log.Tests.Support;

/// <summary>A throw-away data directory and a fake clock; opens logs in it and closes them all on dispose.</summary>
internal sealed class LogTestContext : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly List<PartitionLog> _opened = [];

    public LogTestContext()
    {
        Root = Path.Combine(Path.GetTempPath(), "fjord-log-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public FakeTimeProvider Time { get; } = new(Start);

    public Guid TopicId { get; } = Guid.NewGuid();

    public string PartitionDir => Path.Combine(Root, "orders-events-0");

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public PartitionLog Open(LogConfig? config = null, bool clean = false, long recoveryPoint = 0)
    {
        var log = PartitionLog.Open(PartitionDir, TopicId, config ?? LogConfig.Default, Time, NullLogger.Instance, clean, recoveryPoint);
        _opened.Add(log);
        return log;
    }

    /// <summary>Appends and, like a single-replica leader, moves the high watermark to the log end.</summary>
    public static AppendResult AppendCommitted(PartitionLog log, byte[] payload, int epoch = 0)
    {
        var result = log.AppendAsLeader(payload, epoch);
        log.UpdateHighWatermark(log.LogEndOffset);
        return result;
    }

    public static byte[] ReadAll(PartitionLog log, long fetchOffset, int maxBytes = int.MaxValue, long maxOffset = long.MaxValue, bool minOne = true)
    {
        using var result = log.Read(fetchOffset, maxBytes, maxOffset, minOne);
        var buffer = new byte[result.Length];
        result.CopyTo(buffer);
        return buffer;
    }

    public void Dispose()
    {
        foreach (var log in _opened)
        {
            try
            {
                log.Close();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

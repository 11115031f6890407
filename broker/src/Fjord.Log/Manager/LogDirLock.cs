namespace Fjord.Log;

/// <summary>
/// Kafka's <c>.lock</c> file: an exclusive lock on every log dir for as long as the broker runs, so a
/// second broker started on the same log.dirs (a script run twice, a stale process) fails at once
/// instead of recovering, truncating and appending to files the first one is still writing.
/// </summary>
public sealed class LogDirLock : IDisposable
{
    public const string FileName = ".lock";

    private readonly List<FileStream> _locks;

    private LogDirLock(List<FileStream> locks) => _locks = locks;

    /// <exception cref="LogDirInUseException">Another process holds the lock of one of the dirs.</exception>
    public static LogDirLock Acquire(IReadOnlyList<string> logDirs)
    {
        var locks = new List<FileStream>(logDirs.Count);
        try
        {
            foreach (var dir in logDirs)
            {
                Directory.CreateDirectory(dir);
                var path = Path.Combine(dir, FileName);
                try
                {
                    // FileShare.None is an exclusive advisory lock (flock) on Unix, held until the stream closes;
                    // the kernel drops it when the process dies, so a crash never leaves a dir locked.
                    locks.Add(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
                }
                catch (IOException e)
                {
                    throw new LogDirInUseException(dir, e);
                }
            }
            return new LogDirLock(locks);
        }
        catch
        {
            foreach (var held in locks) held.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var held in _locks) held.Dispose();
        _locks.Clear();
    }
}

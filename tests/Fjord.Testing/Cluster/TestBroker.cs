using System.Globalization;

namespace Fjord.Testing;

/// <summary>
/// One broker of a <see cref="FjordTestCluster"/>: its node id, data folder, port and storage proxy
/// outlive each start, so a stop or kill and a restart find the same log, identity and address.
/// </summary>
public abstract class TestBroker : IAsyncDisposable
{
    private readonly TempDirectory _data = new("fjord-test-broker");

    private protected TestBroker(int nodeId, TcpProxy? storageProxy)
    {
        NodeId = nodeId;
        StorageProxy = storageProxy;
    }

    public int NodeId { get; }

    /// <summary>The broker's only log dir; deleted when the cluster is disposed.</summary>
    public string LogDir => _data.Path;

    /// <summary>The proxy between this broker and Table storage (null unless the cluster proxies storage).</summary>
    public TcpProxy? StorageProxy { get; }

    /// <summary>The port the OS gave the first start, reused by every restart so clients' bootstrap lists stay valid.</summary>
    public int Port { get; private protected set; }

    public string BootstrapServers => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public abstract bool IsRunning { get; }

    /// <summary>The current incarnation's output (child processes only; in-process brokers log to the test's console).</summary>
    public virtual string Output => "";

    /// <summary>Starts with <paramref name="settings"/> and waits until the broker serves.</summary>
    internal abstract Task StartAsync(IReadOnlyDictionary<string, string> settings, TimeSpan timeout);

    /// <summary>SIGKILL: no flush, no checkpoint, no deregistration; the cluster learns of it only by the lapsed lease.</summary>
    public abstract Task KillAsync();

    /// <summary>A clean stop: controlled shutdown, checkpoints, the clean-shutdown marker.</summary>
    public abstract Task StopAsync();

    /// <summary>Deletes everything in the log dir, as a lost disk; only while the broker is down.</summary>
    public void WipeData()
    {
        if (IsRunning)
            throw new InvalidOperationException($"broker {NodeId} is running; stop or kill it before wiping its disk");
        foreach (var entry in Directory.EnumerateFileSystemEntries(LogDir))
        {
            if (Directory.Exists(entry))
                Directory.Delete(entry, recursive: true);
            else
                File.Delete(entry);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ShutDownAsync().ConfigureAwait(false);
        if (StorageProxy is not null)
            await StorageProxy.DisposeAsync().ConfigureAwait(false);
        _data.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>What dispose does to a broker still running: whatever is quickest and leaves nothing behind.</summary>
    private protected abstract Task ShutDownAsync();
}

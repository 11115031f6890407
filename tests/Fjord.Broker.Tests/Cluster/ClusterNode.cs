using System.Globalization;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Cluster;

/// <summary>
/// One broker of a <see cref="ClusterHarness"/>: its data folder and storage proxy outlive the
/// process, so a kill and restart find the same log, node id and port.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    private readonly TempDirectory _data = new("fjord-cluster-node");

    internal ClusterNode(int nodeId, TcpProxy storageProxy)
    {
        NodeId = nodeId;
        StorageProxy = storageProxy;
    }

    public int NodeId { get; }

    public string LogDir => _data.Path;

    /// <summary>The proxy between this broker and Table storage; block it to cut this broker off.</summary>
    public TcpProxy StorageProxy { get; }

    /// <summary>The live process, or null after a kill.</summary>
    public BrokerProcess? Process { get; internal set; }

    /// <summary>The port chosen on the first start, reused by every restart so clients' bootstrap lists stay valid.</summary>
    public int Port { get; internal set; }

    public string BootstrapServers => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public bool IsRunning => Process is { HasExited: false };

    public async ValueTask DisposeAsync()
    {
        if (Process is not null)
            await Process.DisposeAsync();
        Process = null;
        await StorageProxy.DisposeAsync();
        _data.Dispose();
    }
}

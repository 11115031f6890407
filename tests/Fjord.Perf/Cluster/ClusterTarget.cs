using Fjord.Perf.Cli;

namespace Fjord.Perf.Cluster;

/// <summary>
/// Where the perf clients connect: a real broker (<c>--bootstrap host:port</c>) or librdkafka's
/// in-process mock cluster (<c>--mock</c>), which lets the tool be proven without a broker.
/// </summary>
internal sealed record ClusterTarget(string? BootstrapServers, bool UseMockCluster)
{
    /// <summary>An unreachable broker should fail the run in seconds, even when the run's own timeout is long.</summary>
    public static TimeSpan ConnectTimeout(TimeSpan runTimeout) =>
        runTimeout < TimeSpan.FromSeconds(10) ? runTimeout : TimeSpan.FromSeconds(10);

    public static ClusterTarget Read(ArgumentReader args)
    {
        var bootstrap = args.OptionalString("bootstrap");
        var mock = args.Flag("mock");
        ClientProperties.Current = ClientProperties.Read(args);
        if (mock == (bootstrap is not null))
            throw new UsageException("give exactly one of --bootstrap <host:port> or --mock");
        return new ClusterTarget(bootstrap, mock);
    }

    /// <summary>
    /// Starts the mock cluster if asked, then proves the bootstrap server answers Metadata within
    /// <paramref name="timeout"/>: an unreachable broker must fail the run clearly, not hang it.
    /// </summary>
    public ClusterConnection Connect(TimeSpan timeout)
    {
        MockClusterHost? mock = null;
        try
        {
            string bootstrap;
            if (UseMockCluster)
            {
                mock = MockClusterHost.Start(timeout);
                bootstrap = mock.BootstrapServers;
            }
            else
            {
                bootstrap = BootstrapServers!;
            }

            TopicAdmin.EnsureReachable(bootstrap, timeout);
            return new ClusterConnection(bootstrap, mock);
        }
        catch
        {
            mock?.Dispose();
            throw;
        }
    }
}

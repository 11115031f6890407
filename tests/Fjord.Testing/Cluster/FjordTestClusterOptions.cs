namespace Fjord.Testing;

/// <summary>How a <see cref="FjordTestCluster"/> is built. Settings are layered: cluster, then per broker, then per incarnation.</summary>
public sealed record FjordTestClusterOptions
{
    /// <summary>Kafka's failover knobs turned down so a test sees a death in seconds.</summary>
    public static IReadOnlyDictionary<string, string> FastFailover { get; } = new Dictionary<string, string>
    {
        ["broker.heartbeat.interval.ms"] = "500",
        ["broker.session.timeout.ms"] = "3000",
        ["fjord.controller.tick.ms"] = "250",
        ["fjord.metadata.poll.interval.ms"] = "250",
        ["replica.lag.time.max.ms"] = "3000",
    };

    /// <summary>Node ids 0..Brokers-1.</summary>
    public int Brokers { get; init; } = 1;

    public BrokerHosting Hosting { get; init; } = BrokerHosting.InProcess;

    /// <summary>A shared Azurite (left running on dispose); null starts one of the cluster's own.</summary>
    public AzuriteHost? Azurite { get; init; }

    /// <summary>Broker settings for every broker; they win over the cluster's defaults (ports, dirs, tables included).</summary>
    public IReadOnlyDictionary<string, string>? Settings { get; init; }

    /// <summary>Settings for one node id, over <see cref="Settings"/>.</summary>
    public IReadOnlyDictionary<int, IReadOnlyDictionary<string, string>>? BrokerSettings { get; init; }

    /// <summary>
    /// Settings for every broker's first process only, so a restart drops them
    /// (e.g. a fault point: crash once, then run clean).
    /// </summary>
    public IReadOnlyDictionary<string, string>? FirstIncarnationSettings { get; init; }

    /// <summary>Each broker reaches Table storage through its own <see cref="TcpProxy"/>: it can be cut off, and its requests are counted.</summary>
    public bool ProxyStorage { get; init; }

    /// <summary>The metadata table; null makes a fresh one. The offsets table is this name + "offsets".</summary>
    public string? MetadataTable { get; init; }

    /// <summary>The dll child processes run (<c>dotnet &lt;dll&gt; --override k=v …</c>); null is the broker next to the tests.</summary>
    public string? EntryDll { get; init; }

    /// <summary>Start the brokers in <see cref="FjordTestCluster.StartAsync(FjordTestClusterOptions)"/>; false leaves that to the test.</summary>
    public bool StartBrokers { get; init; } = true;

    /// <summary>
    /// After starting, wait until every broker is registered, a controller holds the lease and each broker's
    /// Metadata lists all of them. Null: only when there is more than one broker.
    /// </summary>
    public bool? WaitUntilFormed { get; init; }

    /// <summary>The deadline for a broker to become ready, and for the cluster to form.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>These options with <paramref name="more"/> over <see cref="Settings"/>.</summary>
    public FjordTestClusterOptions WithSettings(IReadOnlyDictionary<string, string>? more)
    {
        var merged = new Dictionary<string, string>(Settings ?? new Dictionary<string, string>());
        foreach (var (key, value) in more ?? new Dictionary<string, string>())
            merged[key] = value;
        return this with { Settings = merged };
    }

    /// <summary>
    /// Child processes for fault tests: each behind a storage proxy, the fast failover knobs, 1 MiB
    /// segments and the brokers' information log for assertion messages.
    /// </summary>
    public static FjordTestClusterOptions FaultTolerant(AzuriteHost azurite, int brokers) => new FjordTestClusterOptions
    {
        Brokers = brokers,
        Hosting = BrokerHosting.ChildProcess,
        Azurite = azurite,
        ProxyStorage = true,
        WaitUntilFormed = true,
    }.WithSettings(new Dictionary<string, string>(FastFailover)
    {
        ["log.segment.bytes"] = "1048576",
        ["fjord.log.level"] = "Information",
    });
}

using Fjord.Broker.Configuration;
using Fjord.Broker.Fetch;
using Fjord.Broker.Metadata;
using Fjord.Broker.Partitions;
using Fjord.Cluster;
using Fjord.Controller;
using Fjord.Groups;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Server;

/// <summary>The broker-wide state that request handlers share.</summary>
public sealed class BrokerContext(
    BrokerConfig config,
    IMetadataStore store,
    MetadataCache metadata,
    ReplicaManager replicas,
    FetchSessionCache fetchSessions,
    GroupCoordinator groups,
    GroupCoordinatorLocator coordinators,
    TimeProvider time,
    ILoggerFactory loggers)
{
    public BrokerConfig Config { get; } = config;
    public int NodeId { get; } = config.NodeId;
    public IMetadataStore Store { get; } = store;
    public MetadataCache Metadata { get; } = metadata;
    public ReplicaManager Replicas { get; } = replicas;
    public FetchSessionCache FetchSessions { get; } = fetchSessions;
    public GroupCoordinator Groups { get; } = groups;

    /// <summary>Which broker coordinates a group: the leader of its offsets-topic partition.</summary>
    public GroupCoordinatorLocator Coordinators { get; } = coordinators;
    public TimeProvider Time { get; } = time;
    public ILoggerFactory Loggers { get; } = loggers;

    /// <summary>The controller loop of this broker (active only while it holds the lease); null in tests that run none.</summary>
    public IControllerService? Controller { get; set; }

    /// <summary>Tiered storage: the remote reader for fetches below the local log (null when not running).</summary>
    public Fjord.Tiering.RemoteLogManager? Tiering { get; set; }

    /// <summary>Where clients reach this broker; set once the listeners are bound (port 0 resolved).</summary>
    public IReadOnlyList<ListenerEndpoint> AdvertisedListeners { get; set; } = [];

    /// <summary>The endpoint to advertise to a client connected through <paramref name="listener"/>.</summary>
    public ListenerEndpoint AdvertisedFor(ListenerEndpoint listener) =>
        AdvertisedListeners.FirstOrDefault(l => l.Name == listener.Name) ?? AdvertisedListeners[0];
}

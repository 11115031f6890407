using Fjord.Cluster;

namespace Fjord.Broker.Network;

/// <summary>What the rewrites consult: the metadata cache, to tell whose a topic id is.</summary>
public sealed record TenantRewriteServices(MetadataCache Metadata);

using Fjord.Broker.Network;

namespace Fjord.Broker.Tenancy;

public static partial class TenantRewrites
{
    /// <summary>The topic and cluster APIs (Produce, Fetch, Metadata, ListOffsets, the topic admin and config APIs …).</summary>
    /// <returns>Whether <paramref name="handler"/> is one of them.</returns>
    private static bool AttachTopicApi(ApiHandler handler, TenantRewriteServices services) => false;
}

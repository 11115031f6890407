using Fjord.Broker.Network;

namespace Fjord.Broker.Tenancy;

public static partial class TenantRewrites
{
    /// <summary>The client-quota APIs.</summary>
    /// <returns>Whether <paramref name="handler"/> is one of them.</returns>
    private static bool AttachQuotaApi(ApiHandler handler, TenantRewriteServices services) => false;
}

using Fjord.Broker.Network;

namespace Fjord.Broker.Tenancy;

public static partial class TenantRewrites
{
    /// <summary>The group, transaction, ACL and SCRAM APIs.</summary>
    /// <returns>Whether <paramref name="handler"/> is one of them.</returns>
    private static bool AttachGroupAndSecurityApi(ApiHandler handler, TenantRewriteServices services) => false;
}

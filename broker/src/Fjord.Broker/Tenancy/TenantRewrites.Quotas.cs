using Fjord.Broker.Handlers.Quotas;
using Fjord.Broker.Network;
using Fjord.Broker.Tenancy.Quotas;

namespace Fjord.Broker.Tenancy;

public static partial class TenantRewrites
{
    /// <summary>DescribeClientQuotas and AlterClientQuotas: a tenant's quotas live on entities carrying <c>tenant=&lt;id&gt;</c>.</summary>
    /// <returns>Whether <paramref name="handler"/> is one of them.</returns>
    private static bool AttachQuotaApi(ApiHandler handler, TenantRewriteServices services)
    {
        switch (handler)
        {
            case DescribeClientQuotasHandler h: h.TenantRewrite = DescribeClientQuotasRewrite.Instance; return true;
            case AlterClientQuotasHandler h: h.TenantRewrite = AlterClientQuotasRewrite.Instance; return true;
            default: return false;
        }
    }
}

using Fjord.Broker.Handlers;
using Fjord.Broker.Handlers.Security;
using Fjord.Broker.Network;
using Fjord.Protocol;

namespace Fjord.Broker.Tenancy;

/// <summary>
/// Gives every handler the rewrite that lets tenants call it. An API left without one closes a tenant's
/// connection; a test holds every advertised API to having one.
/// </summary>
public static partial class TenantRewrites
{
    public static void Attach(IEnumerable<ApiHandler> handlers, TenantRewriteServices services)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        ArgumentNullException.ThrowIfNull(services);
        foreach (var handler in handlers)
        {
            switch (handler)
            {
                case ApiVersionsHandler h: h.TenantRewrite = NoNamesRewrite<ApiVersionsRequest, ApiVersionsResponse>.Instance; break;
                case SaslHandshakeHandler h: h.TenantRewrite = NoNamesRewrite<SaslHandshakeRequest, SaslHandshakeResponse>.Instance; break;
                case SaslAuthenticateHandler h: h.TenantRewrite = NoNamesRewrite<SaslAuthenticateRequest, SaslAuthenticateResponse>.Instance; break;
                default:
                    _ = AttachTopicApi(handler, services) || AttachGroupAndSecurityApi(handler, services) || AttachQuotaApi(handler, services);
                    break;
            }
        }
    }
}

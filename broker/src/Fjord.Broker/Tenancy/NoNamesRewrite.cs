using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy;

/// <summary>For the APIs that carry no name of anything (ApiVersions, the SASL exchange): nothing to translate.</summary>
public sealed class NoNamesRewrite<TRequest, TResponse> : TenantRewrite<TRequest, TResponse>
    where TRequest : IKafkaMessage
    where TResponse : class, IKafkaMessage
{
    public static readonly NoNamesRewrite<TRequest, TResponse> Instance = new();

    public override TResponse? ToStored(TenantScope tenant, RequestContext context, TRequest request) => null;

    public override void ToClient(TenantScope tenant, RequestContext context, TRequest request, TResponse response)
    {
    }
}

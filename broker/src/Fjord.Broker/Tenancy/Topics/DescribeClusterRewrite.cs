using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Topics;

/// <summary>DescribeCluster: the tenant sees its own cluster id; the brokers and its authorized operations are as the handler found them.</summary>
public sealed class DescribeClusterRewrite : TenantRewrite<DescribeClusterRequest, DescribeClusterResponse>
{
    public override DescribeClusterResponse? ToStored(TenantScope tenant, RequestContext context, DescribeClusterRequest request) => null;

    public override void ToClient(TenantScope tenant, RequestContext context, DescribeClusterRequest request, DescribeClusterResponse response)
    {
        response.ClusterId = tenant.ClusterId;
        response.ErrorMessage = tenant.ToClientMessage(response.ErrorMessage);
    }
}

using Fjord.Broker.Network;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers;

/// <summary>
/// DescribeCluster 0–1 for brokers (endpoint type 1): every registered broker and the lease holder as controller;
/// controller endpoints (type 2) are not served by brokers. As in Kafka's handleDescribeCluster anyone may ask;
/// Describe on the cluster only decides the KIP-430 cluster_authorized_operations (0 without it).
/// </summary>
public sealed class DescribeClusterHandler(MetadataCache metadata, ClusterBrokers brokers, IAuthorizer authorizer) : ApiHandler<DescribeClusterRequest, DescribeClusterResponse>
{
    private const sbyte BrokerEndpointType = 1;

    public override ApiKey ApiKey => ApiKey.DescribeCluster;
    public override short MinVersion => 0;
    public override short MaxVersion => 1;

    protected override ValueTask<DescribeClusterResponse?> HandleAsync(RequestContext request, DescribeClusterRequest body, CancellationToken ct)
    {
        var snapshot = metadata.Current;
        var response = new DescribeClusterResponse
        {
            ClusterId = snapshot.ClusterId,
            ControllerId = ClusterBrokers.ControllerId(snapshot),
            EndpointType = body.EndpointType,
        };
        if (request.ApiVersion >= 1 && body.EndpointType != BrokerEndpointType)
        {
            response.ErrorCode = (short)ErrorCode.MismatchedEndpointType;
            response.ErrorMessage = "The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER";
            return ValueTask.FromResult<DescribeClusterResponse?>(response);
        }
        if (body.IncludeClusterAuthorizedOperations)
            response.ClusterAuthorizedOperations = authorizer.AuthorizeCluster(request, AclOperation.Describe)
                ? authorizer.AuthorizedOperations(request, ResourceType.Cluster, RequestAuthorization.ClusterResource(request.Session)) : 0;
        foreach (var broker in brokers.Reachable(snapshot, request.Session.Listener))
            response.Brokers.Add(new DescribeClusterResponse.DescribeClusterBroker
            {
                BrokerId = broker.NodeId,
                Host = broker.Host,
                Port = broker.Port,
                Rack = broker.Rack,
            });
        return ValueTask.FromResult<DescribeClusterResponse?>(response);
    }
}

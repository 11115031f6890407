using System.Globalization;
using Fjord.Broker.Metadata;
using Fjord.Broker.Network;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers;

/// <summary>
/// DescribeConfigs 0–4 for topics and this broker (<see cref="ConfigHelper"/> builds each view, secrets
/// redacted). Authorized as Kafka's handleDescribeConfigsRequest: DescribeConfigs on the topic (else
/// TOPIC_AUTHORIZATION_FAILED, decided before the topic is looked up) or on the cluster for a broker
/// (else CLUSTER_AUTHORIZATION_FAILED).
/// </summary>
public sealed class DescribeConfigsHandler(IMetadataStore store, ConfigHelper configs, int nodeId, IAuthorizer authorizer) : ApiHandler<DescribeConfigsRequest, DescribeConfigsResponse>
{
    public override ApiKey ApiKey => ApiKey.DescribeConfigs;
    public override short MinVersion => 0;
    public override short MaxVersion => 4;

    protected override async ValueTask<DescribeConfigsResponse?> HandleAsync(RequestContext request, DescribeConfigsRequest body, CancellationToken ct)
    {
        var response = new DescribeConfigsResponse();
        foreach (var resource in body.Resources)
        {
            var result = new DescribeConfigsResponse.DescribeConfigsResult { ResourceType = resource.ResourceType, ResourceName = resource.ResourceName };
            response.Results.Add(result);
            var keys = resource.ConfigurationKeys is { } k ? new HashSet<string>(k, StringComparer.Ordinal) : null;
            switch ((ConfigResourceType)resource.ResourceType)
            {
                case ConfigResourceType.Topic when !authorizer.AuthorizeTopic(request, AclOperation.DescribeConfigs, resource.ResourceName):
                    result.ErrorCode = (short)ErrorCode.TopicAuthorizationFailed;
                    result.ErrorMessage = null;
                    break;
                case ConfigResourceType.Broker or ConfigResourceType.BrokerLogger when !authorizer.AuthorizeCluster(request, AclOperation.DescribeConfigs):
                    result.ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed;
                    result.ErrorMessage = null;
                    break;
                case ConfigResourceType.Topic:
                    var topic = await store.GetTopicAsync(resource.ResourceName, ct);
                    if (topic is null)
                    {
                        result.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                        result.ErrorMessage = $"Topic {resource.ResourceName} does not exist";
                        break;
                    }
                    result.Configs.AddRange(configs.DescribeTopic(topic.Configs, keys, body.IncludeSynonyms, body.IncludeDocumentation, request.ApiVersion));
                    break;
                case ConfigResourceType.Broker:
                    if (resource.ResourceName.Length > 0 && resource.ResourceName != nodeId.ToString(CultureInfo.InvariantCulture))
                    {
                        result.ErrorCode = (short)ErrorCode.InvalidRequest;
                        result.ErrorMessage = $"Unexpected broker id, expected {nodeId} or empty string, but received {resource.ResourceName}";
                        break;
                    }
                    result.Configs.AddRange(configs.DescribeBroker(keys, body.IncludeSynonyms));
                    break;
                default:
                    result.ErrorCode = (short)ErrorCode.InvalidRequest;
                    result.ErrorMessage = $"Unsupported resource type {resource.ResourceType}";
                    break;
            }
        }
        return response;
    }
}

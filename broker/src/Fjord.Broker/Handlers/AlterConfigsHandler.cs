using Fjord.Broker.Admin;
using Fjord.Broker.Metadata;
using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers;

/// <summary>
/// AlterConfigs 0–2 with Kafka's legacy semantics: the given set replaces every override of
/// the topic. Broker configs are static (from the properties file) and cannot be altered.
/// Authorized as Kafka does it: AlterConfigs on the topic or, for broker configs, on the cluster.
/// </summary>
public sealed class AlterConfigsHandler(TopicAdmin admin, IAuthorizer authorizer) : ApiHandler<AlterConfigsRequest, AlterConfigsResponse>
{
    public override ApiKey ApiKey => ApiKey.AlterConfigs;
    public override short MinVersion => 0;
    public override short MaxVersion => 2;

    protected override async ValueTask<AlterConfigsResponse?> HandleAsync(RequestContext request, AlterConfigsRequest body, CancellationToken ct)
    {
        var response = new AlterConfigsResponse();
        foreach (var resource in body.Resources)
        {
            var result = new AlterConfigsResponse.AlterConfigsResourceResponse { ResourceType = resource.ResourceType, ResourceName = resource.ResourceName };
            response.Responses.Add(result);
            if (Denied(request, resource.ResourceType, resource.ResourceName) is { } denied)
            {
                result.ErrorCode = (short)denied;
                continue;
            }
            if ((ConfigResourceType)resource.ResourceType != ConfigResourceType.Topic)
            {
                result.ErrorCode = (short)ErrorCode.InvalidRequest;
                result.ErrorMessage = "Only topic configs can be altered; broker configs are static";
                continue;
            }
            if (resource.Configs.FirstOrDefault(c => c.Value is null) is { } nullValue)
            {
                result.ErrorCode = (short)ErrorCode.InvalidRequest;
                result.ErrorMessage = $"Null value not supported for {nullValue.Name}";
                continue;
            }
            var replacement = resource.Configs.ToDictionary(c => c.Name, c => c.Value!, StringComparer.Ordinal);
            var outcome = await admin.AlterConfigsAsync(resource.ResourceName, _ => new Dictionary<string, string>(replacement), body.ValidateOnly, ct);
            result.ErrorCode = (short)outcome.Error;
            result.ErrorMessage = outcome.Message;
        }
        return response;
    }

    /// <summary>
    /// Kafka authorizes before it validates: AlterConfigs on the topic, or on the cluster for broker (and
    /// broker logger) configs; a denied topic is never looked up, so the answer does not tell whether it exists.
    /// </summary>
    private ErrorCode? Denied(RequestContext request, sbyte resourceType, string resourceName) => (ConfigResourceType)resourceType switch
    {
        ConfigResourceType.Topic when !authorizer.AuthorizeTopic(request, AclOperation.AlterConfigs, resourceName) => ErrorCode.TopicAuthorizationFailed,
        ConfigResourceType.Broker or ConfigResourceType.BrokerLogger when !authorizer.AuthorizeCluster(request, AclOperation.AlterConfigs) => ErrorCode.ClusterAuthorizationFailed,
        _ => null,
    };
}

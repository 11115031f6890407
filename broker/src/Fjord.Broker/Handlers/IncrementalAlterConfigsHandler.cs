using Fjord.Broker.Admin;
using Fjord.Broker.Configuration;
using Fjord.Broker.Metadata;
using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers;

/// <summary>
/// IncrementalAlterConfigs 0–1: SET, DELETE, APPEND and SUBTRACT (the last two only for list
/// configs) applied to a topic's overrides in one conditional write.
/// Authorized as Kafka does it: AlterConfigs on the topic or, for broker configs, on the cluster.
/// </summary>
public sealed class IncrementalAlterConfigsHandler(TopicAdmin admin, BrokerConfig config, IAuthorizer authorizer) : ApiHandler<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>
{
    private enum Operation : sbyte { Set = 0, Delete = 1, Append = 2, Subtract = 3 }

    public override ApiKey ApiKey => ApiKey.IncrementalAlterConfigs;
    public override short MinVersion => 0;
    public override short MaxVersion => 1;

    protected override async ValueTask<IncrementalAlterConfigsResponse?> HandleAsync(RequestContext request, IncrementalAlterConfigsRequest body, CancellationToken ct)
    {
        var response = new IncrementalAlterConfigsResponse();
        foreach (var resource in body.Resources)
        {
            var result = new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse { ResourceType = resource.ResourceType, ResourceName = resource.ResourceName };
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
            if (Problem(resource) is { } problem)
            {
                result.ErrorCode = (short)problem.Error;
                result.ErrorMessage = problem.Message;
                continue;
            }
            var outcome = await admin.AlterConfigsAsync(resource.ResourceName, current => Apply(current, resource, config), body.ValidateOnly, ct);
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

    private static (ErrorCode Error, string Message)? Problem(IncrementalAlterConfigsRequest.AlterConfigsResource resource)
    {
        if (resource.Configs.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
            return (ErrorCode.InvalidRequest, $"Error due to duplicate config keys: {duplicate.Key}");
        foreach (var config in resource.Configs)
        {
            var op = (Operation)config.ConfigOperation;
            if (op is not (Operation.Set or Operation.Delete or Operation.Append or Operation.Subtract))
                return (ErrorCode.InvalidRequest, $"Unknown config operation {config.ConfigOperation}");
            if (!TopicConfigCatalog.ByName.TryGetValue(config.Name, out var definition))
                return (ErrorCode.InvalidConfig, $"Unknown or unsupported topic config {config.Name}");
            if (op is Operation.Append or Operation.Subtract && definition.Type != TopicConfigCatalog.ConfigType.List)
                return (ErrorCode.InvalidConfig, $"Config value append is not allowed for config key: {config.Name}");
            if (op != Operation.Delete && config.Value is null)
                return (ErrorCode.InvalidRequest, $"Null value not supported for {config.Name}");
        }
        return null;
    }

    private static Dictionary<string, string> Apply(IReadOnlyDictionary<string, string> current, IncrementalAlterConfigsRequest.AlterConfigsResource resource, Configuration.BrokerConfig broker)
    {
        var next = new Dictionary<string, string>(current, StringComparer.Ordinal);
        foreach (var config in resource.Configs)
        {
            switch ((Operation)config.ConfigOperation)
            {
                case Operation.Set:
                    next[config.Name] = config.Value!;
                    break;
                case Operation.Delete:
                    next.Remove(config.Name);
                    break;
                case Operation.Append:
                case Operation.Subtract:
                    var items = (next.TryGetValue(config.Name, out var list) ? list : TopicConfigCatalog.ByName[config.Name].Default(broker))
                        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
                    var values = config.Value!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if ((Operation)config.ConfigOperation == Operation.Append) items.AddRange(values.Where(v => !items.Contains(v)));
                    else items.RemoveAll(values.Contains);
                    next[config.Name] = string.Join(',', items);
                    break;
            }
        }
        return next;
    }
}

using Fjord.Broker.Admin;
using Fjord.Broker.Configuration;
using Fjord.Broker.Metadata;
using Fjord.Broker.Network;
using Fjord.Cluster;
using Fjord.Controller;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers;

/// <summary>
/// CreateTopics 0–7: validation, defaults (-1), manual assignments over registered brokers, validate-only,
/// and the created topic's configs from v5. Answers once the new partitions have leaders (or at the timeout).
/// Authorized as Kafka's createTopics: Create on the cluster, else Create on each topic (TOPIC_AUTHORIZATION_FAILED,
/// never CLUSTER_AUTHORIZATION_FAILED); the configs are shown only with DescribeConfigs on the topic (KIP-525),
/// else topic_config_error_code is TOPIC_AUTHORIZATION_FAILED.
/// </summary>
public sealed class CreateTopicsHandler(TopicAdmin admin, BrokerConfig config, TimeProvider time, IAuthorizer authorizer) : ApiHandler<CreateTopicsRequest, CreateTopicsResponse>
{
    public override ApiKey ApiKey => ApiKey.CreateTopics;
    public override short MinVersion => 0;
    public override short MaxVersion => 7;

    protected override async ValueTask<CreateTopicsResponse?> HandleAsync(RequestContext request, CreateTopicsRequest body, CancellationToken ct)
    {
        var response = new CreateTopicsResponse();
        var awaiting = new List<TopicMetadata>();
        var duplicates = body.Topics.GroupBy(t => t.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        var clusterCreate = authorizer.AuthorizeCluster(request, AclOperation.Create);
        foreach (var topic in body.Topics)
        {
            var result = new CreateTopicsResponse.CreatableTopicResult { Name = topic.Name };
            response.Topics.Add(result);
            if (duplicates.Contains(topic.Name))
            {
                Fail(result, ErrorCode.InvalidRequest, $"Create topics request from client contains multiple requests for topic {topic.Name}");
                continue;
            }
            if (!clusterCreate && !authorizer.AuthorizeTopic(request, AclOperation.Create, topic.Name))
            {
                Fail(result, ErrorCode.TopicAuthorizationFailed, "Authorization failed.");
                continue;
            }
            var configs = new Dictionary<string, string>();
            string? configProblem = null;
            foreach (var config in topic.Configs)
            {
                if (config.Value is null) configProblem = $"Null value not supported for topic config {config.Name}";
                else configs[config.Name] = config.Value;
            }
            if (configProblem is not null)
            {
                Fail(result, ErrorCode.InvalidConfig, configProblem);
                continue;
            }
            var assignments = topic.Assignments.Count == 0 ? null
                : topic.Assignments.Select(a => new PartitionAssignment(a.PartitionIndex, a.BrokerIds)).ToList();
            var outcome = await admin.CreateAsync(topic.Name, topic.NumPartitions, topic.ReplicationFactor, configs, assignments, body.ValidateOnly, ct);
            if (outcome.Error != ErrorCode.None)
            {
                Fail(result, outcome.Error, outcome.Message);
                continue;
            }
            var created = outcome.Topic!;
            if (!body.ValidateOnly) awaiting.Add(created);
            result.TopicId = created.TopicId;
            result.NumPartitions = created.PartitionCount;
            result.ReplicationFactor = created.ReplicationFactor;
            result.Configs = [];
            if (!authorizer.AuthorizeTopic(request, AclOperation.DescribeConfigs, topic.Name))
            {
                result.TopicConfigErrorCode = (short)ErrorCode.TopicAuthorizationFailed;
                continue;
            }
            foreach (var definition in TopicConfigCatalog.All)
            {
                var isSet = created.Configs.TryGetValue(definition.Name, out var value);
                result.Configs.Add(new CreateTopicsResponse.CreatableTopicConfigs
                {
                    Name = definition.Name,
                    Value = isSet ? value : definition.Default(config),
                    ReadOnly = false,
                    ConfigSource = (sbyte)(isSet ? ConfigSource.DynamicTopicConfig : ConfigSource.DefaultConfig),
                    IsSensitive = false,
                });
            }
        }

        // Answer once the controller has elected the new partitions' leaders, so a client producing
        // right after CreateTopics finds them; within the request's timeout (Kafka's timeoutMs).
        var timeout = TimeSpan.FromMilliseconds(Math.Max(0, body.TimeoutMs));
        var started = time.GetTimestamp();
        foreach (var created in awaiting)
        {
            var left = timeout - time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero) break;
            await admin.AwaitLeadersAsync(created.Name, 0, created.PartitionCount, left, ct);
        }
        return response;
    }

    private static void Fail(CreateTopicsResponse.CreatableTopicResult result, ErrorCode error, string? message)
    {
        result.ErrorCode = (short)error;
        result.ErrorMessage = message;
        result.NumPartitions = -1;
        result.ReplicationFactor = -1;
        result.Configs = null;
    }
}

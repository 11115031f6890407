using Fjord.Broker.Metadata;
using Fjord.Broker.Server;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers;

/// <summary>CreateTopics 0–7: validation, defaults (-1), manual assignments, validate-only, and the created topic's configs from v5.</summary>
public sealed class CreateTopicsHandler(BrokerContext context, TopicAdmin admin) : ApiHandler<CreateTopicsRequest, CreateTopicsResponse>
{
    public override ApiKey ApiKey => ApiKey.CreateTopics;
    public override short MinVersion => 0;
    public override short MaxVersion => 7;

    protected override async ValueTask<CreateTopicsResponse?> HandleAsync(RequestContext request, CreateTopicsRequest body, CancellationToken ct)
    {
        var response = new CreateTopicsResponse();
        var duplicates = body.Topics.GroupBy(t => t.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        foreach (var topic in body.Topics)
        {
            var result = new CreateTopicsResponse.CreatableTopicResult { Name = topic.Name };
            response.Topics.Add(result);
            if (duplicates.Contains(topic.Name))
            {
                Fail(result, ErrorCode.InvalidRequest, $"Create topics request from client contains multiple requests for topic {topic.Name}");
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
                : topic.Assignments.OrderBy(a => a.PartitionIndex).Select(a => (IReadOnlyList<int>)a.BrokerIds).ToList();
            if (assignments is not null && topic.Assignments.Select(a => a.PartitionIndex).OrderBy(i => i).Where((p, i) => p != i).Any())
            {
                Fail(result, ErrorCode.InvalidReplicaAssignment, "Partition indexes in assignments must be 0..n-1");
                continue;
            }
            var outcome = await admin.CreateAsync(topic.Name, topic.NumPartitions, topic.ReplicationFactor, configs, assignments, body.ValidateOnly, ct);
            if (outcome.Error != ErrorCode.None)
            {
                Fail(result, outcome.Error, outcome.Message);
                continue;
            }
            var created = outcome.Topic!;
            result.TopicId = created.TopicId;
            result.NumPartitions = created.PartitionCount;
            result.ReplicationFactor = created.ReplicationFactor;
            result.Configs = [];
            foreach (var definition in TopicConfigCatalog.All)
            {
                var isSet = created.Configs.TryGetValue(definition.Name, out var value);
                result.Configs.Add(new CreateTopicsResponse.CreatableTopicConfigs
                {
                    Name = definition.Name,
                    Value = isSet ? value : definition.Default(context.Config),
                    ReadOnly = false,
                    ConfigSource = (sbyte)(isSet ? ConfigSource.DynamicTopicConfig : ConfigSource.DefaultConfig),
                    IsSensitive = false,
                });
            }
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

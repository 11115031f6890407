using Fjord.Broker.Network;
using Fjord.Protocol;

namespace Fjord.Broker.Quotas;

/// <summary>
/// KIP-599's controller_mutation_rate: partitions created or deleted per second. What a CreateTopics, CreatePartitions
/// or DeleteTopics request did is recorded after it is handled, and a client over the rate is throttled. Clients that
/// know THROTTLING_QUOTA_EXCEEDED (CreateTopics v6+, CreatePartitions v3+, DeleteTopics v5+) get the strict form:
/// while the rate is over the quota already, every topic of their request is answered THROTTLING_QUOTA_EXCEEDED
/// instead of being handled (one request going over is let through, as Kafka lets the mutation that crosses the
/// quota through); older clients are only throttled.
/// </summary>
internal static class ControllerMutationQuota
{
    private const string Refused = "The controller mutation quota is exceeded; retry after the throttle time";

    /// <summary>The answer to a request refused for being over the quota, or null to handle it.</summary>
    public static IKafkaMessage? Refuse(ClientQuotaManager manager, RequestContext context, IKafkaMessage request, string? tenant, string user, string clientId)
    {
        var strict = request switch
        {
            CreateTopicsRequest => context.ApiVersion >= 6,
            CreatePartitionsRequest => context.ApiVersion >= 3,
            DeleteTopicsRequest => context.ApiVersion >= 5,
            _ => false,
        };
        if (!strict || !manager.HasQuota(tenant, user, clientId) || !manager.IsExceeded(tenant, user, clientId)) return null;
        const short code = (short)ErrorCode.ThrottlingQuotaExceeded;
        switch (request)
        {
            case CreateTopicsRequest create:
                var created = new CreateTopicsResponse();
                foreach (var topic in create.Topics)
                    created.Topics.Add(new CreateTopicsResponse.CreatableTopicResult { Name = topic.Name, ErrorCode = code, ErrorMessage = Refused });
                return created;
            case CreatePartitionsRequest partitions:
                var results = new CreatePartitionsResponse();
                foreach (var topic in partitions.Topics)
                    results.Results.Add(new CreatePartitionsResponse.CreatePartitionsTopicResult { Name = topic.Name, ErrorCode = code, ErrorMessage = Refused });
                return results;
            default:
                var delete = (DeleteTopicsRequest)request;
                var deleted = new DeleteTopicsResponse();
                if (context.ApiVersion >= 6)
                {
                    foreach (var topic in delete.Topics)
                        deleted.Responses.Add(new DeleteTopicsResponse.DeletableTopicResult { Name = topic.Name, TopicId = topic.TopicId, ErrorCode = code, ErrorMessage = Refused });
                }
                else
                {
                    foreach (var name in delete.TopicNames)
                        deleted.Responses.Add(new DeleteTopicsResponse.DeletableTopicResult { Name = name, ErrorCode = code, ErrorMessage = Refused });
                }
                return deleted;
        }
    }

    /// <summary>Records the partition mutations a handled request made; returns its throttle time.</summary>
    public static int Record(ClientQuotaManager manager, RequestContext context, IKafkaMessage request, IKafkaMessage response, string? tenant, string user, string clientId)
    {
        if (!manager.HasQuota(tenant, user, clientId)) return 0;
        var mutations = Mutations(request, response);
        return mutations == 0 && !manager.IsExceeded(tenant, user, clientId) ? 0 : manager.RecordAndGetThrottleTimeMs(tenant, user, clientId, mutations);
    }

    /// <summary>
    /// Partitions created (a topic's count, from the response where it says, else the request) or, for a deletion
    /// or a partition increase, one per topic: the handler's answer does not say how many partitions those touched.
    /// </summary>
    private static double Mutations(IKafkaMessage request, IKafkaMessage response)
    {
        double mutations = 0;
        switch (response)
        {
            case CreateTopicsResponse created when request is CreateTopicsRequest { ValidateOnly: false } create:
                foreach (var topic in created.Topics)
                {
                    if (topic.ErrorCode != 0) continue;
                    var asked = create.Topics.Find(t => t.Name == topic.Name);
                    mutations += topic.NumPartitions > 0 ? topic.NumPartitions
                        : asked is { NumPartitions: > 0 } ? asked.NumPartitions
                        : asked is { Assignments.Count: > 0 } ? asked.Assignments.Count
                        : 1;
                }
                break;
            case CreatePartitionsResponse partitions when request is CreatePartitionsRequest { ValidateOnly: false }:
                mutations += partitions.Results.Count(r => r.ErrorCode == 0);
                break;
            case DeleteTopicsResponse deleted:
                mutations += deleted.Responses.Count(r => r.ErrorCode == 0);
                break;
        }
        return mutations;
    }
}

using Fjord.Broker.Network;
using Fjord.Protocol;

namespace Fjord.Broker.Quotas;

/// <summary>
/// KIP-599's controller_mutation_rate: partitions created or deleted per second. What a CreateTopics, CreatePartitions
/// or DeleteTopics request did is recorded after it is handled, and a client over the rate is throttled.
/// </summary>
internal static class ControllerMutationQuota
{
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

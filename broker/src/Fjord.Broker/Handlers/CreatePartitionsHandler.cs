using Fjord.Broker.Admin;
using Fjord.Broker.Network;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers;

/// <summary>
/// CreatePartitions 0–3: grows a topic (manual assignments over registered brokers); shrinking is refused as Kafka refuses it.
/// Answers once the new partitions have leaders (or at the timeout). Each topic needs Alter, decided before it is looked up.
/// </summary>
public sealed class CreatePartitionsHandler(MetadataCache metadata, TopicAdmin admin, TimeProvider time, IAuthorizer authorizer) : ApiHandler<CreatePartitionsRequest, CreatePartitionsResponse>
{
    public override ApiKey ApiKey => ApiKey.CreatePartitions;
    public override short MinVersion => 0;
    public override short MaxVersion => 3;

    protected override async ValueTask<CreatePartitionsResponse?> HandleAsync(RequestContext request, CreatePartitionsRequest body, CancellationToken ct)
    {
        var response = new CreatePartitionsResponse();
        var grown = new List<(string Topic, int From, int To)>();
        var duplicates = body.Topics.GroupBy(t => t.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        foreach (var topic in body.Topics)
        {
            var result = new CreatePartitionsResponse.CreatePartitionsTopicResult { Name = topic.Name };
            response.Results.Add(result);
            if (duplicates.Contains(topic.Name))
            {
                result.ErrorCode = (short)ErrorCode.InvalidRequest;
                result.ErrorMessage = "Duplicate topic in request.";
                continue;
            }
            if (!authorizer.AuthorizeTopic(request, AclOperation.Alter, topic.Name))
            {
                result.ErrorCode = (short)ErrorCode.TopicAuthorizationFailed;
                result.ErrorMessage = "The topic authorization is failed.";
                continue;
            }
            var assignments = topic.Assignments?.Select(a => (IReadOnlyList<int>)a.BrokerIds).ToList();
            var before = metadata.Current.TopicsByName.GetValueOrDefault(topic.Name)?.PartitionCount;
            var outcome = await admin.CreatePartitionsAsync(topic.Name, topic.Count, assignments, body.ValidateOnly, ct);
            result.ErrorCode = (short)outcome.Error;
            result.ErrorMessage = outcome.Message;
            if (outcome.Error == ErrorCode.None && !body.ValidateOnly) grown.Add((topic.Name, before ?? 0, topic.Count));
        }

        // As CreateTopics: answer once the new partitions have leaders, within the request's timeout.
        var timeout = TimeSpan.FromMilliseconds(Math.Max(0, body.TimeoutMs));
        var started = time.GetTimestamp();
        foreach (var (name, from, to) in grown)
        {
            var left = timeout - time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero) break;
            await admin.AwaitLeadersAsync(name, from, to, left, ct);
        }
        return response;
    }
}

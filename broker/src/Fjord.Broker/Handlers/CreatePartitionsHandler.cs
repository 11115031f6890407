using Fjord.Broker.Server;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers;

/// <summary>CreatePartitions 0–3: grows a topic; shrinking is refused as Kafka refuses it.</summary>
public sealed class CreatePartitionsHandler(TopicAdmin admin) : ApiHandler<CreatePartitionsRequest, CreatePartitionsResponse>
{
    public override ApiKey ApiKey => ApiKey.CreatePartitions;
    public override short MinVersion => 0;
    public override short MaxVersion => 3;

    protected override async ValueTask<CreatePartitionsResponse?> HandleAsync(RequestContext request, CreatePartitionsRequest body, CancellationToken ct)
    {
        var response = new CreatePartitionsResponse();
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
            var assignments = topic.Assignments?.Select(a => (IReadOnlyList<int>)a.BrokerIds).ToList();
            var outcome = await admin.CreatePartitionsAsync(topic.Name, topic.Count, assignments, body.ValidateOnly, ct);
            result.ErrorCode = (short)outcome.Error;
            result.ErrorMessage = outcome.Message;
        }
        return response;
    }
}

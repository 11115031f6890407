using Fjord.Broker.Server;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers.Groups;

/// <summary>
/// FindCoordinator 0–5 for consumer groups (key type 0), batched keys from v4. Every group's
/// coordinator is the leader of its offsets partition; with one broker that is this broker.
/// Transaction coordinators (key type 1) are not offered.
/// </summary>
public sealed class FindCoordinatorHandler(BrokerContext context) : ApiHandler<FindCoordinatorRequest, FindCoordinatorResponse>
{
    private const sbyte GroupKeyType = 0;

    public override ApiKey ApiKey => ApiKey.FindCoordinator;
    public override short MinVersion => 0;
    public override short MaxVersion => 5;

    protected override ValueTask<FindCoordinatorResponse?> HandleAsync(RequestContext request, FindCoordinatorRequest body, CancellationToken ct)
    {
        var self = context.AdvertisedFor(request.Session.Listener);
        var response = new FindCoordinatorResponse();
        if (request.ApiVersion < 4)
        {
            var (error, message) = Check(body.Key, body.KeyType);
            response.ErrorCode = (short)error;
            response.ErrorMessage = message;
            response.NodeId = error == ErrorCode.None ? context.NodeId : -1;
            response.Host = error == ErrorCode.None ? self.Host : "";
            response.Port = error == ErrorCode.None ? self.Port : -1;
            return ValueTask.FromResult<FindCoordinatorResponse?>(response);
        }
        foreach (var key in body.CoordinatorKeys)
        {
            var (error, message) = Check(key, body.KeyType);
            response.Coordinators.Add(new FindCoordinatorResponse.Coordinator
            {
                Key = key,
                ErrorCode = (short)error,
                ErrorMessage = message,
                NodeId = error == ErrorCode.None ? context.NodeId : -1,
                Host = error == ErrorCode.None ? self.Host : "",
                Port = error == ErrorCode.None ? self.Port : -1,
            });
        }
        return ValueTask.FromResult<FindCoordinatorResponse?>(response);
    }

    private static (ErrorCode Error, string? Message) Check(string key, sbyte keyType)
    {
        if (keyType != GroupKeyType) return (ErrorCode.InvalidRequest, $"Coordinator key type {keyType} is not supported; only consumer groups (0) are");
        if (string.IsNullOrEmpty(key)) return (ErrorCode.InvalidRequest, "Group id must not be empty");
        return (ErrorCode.None, null);
    }
}

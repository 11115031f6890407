using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Security.Credentials;

namespace Fjord.Broker.Handlers.Security;

/// <summary>
/// DescribeUserScramCredentials 0: which SCRAM mechanisms (and iteration counts) each user has, never a
/// key or salt. Needs Describe on the cluster; all users when the list is null or empty, as in Kafka (an empty
/// answer would also stop Confluent.Kafka's admin client, which then never completes the call).
/// </summary>
public sealed class DescribeUserScramCredentialsHandler(IScramCredentialStore store, IAuthorizer authorizer)
    : ApiHandler<DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse>
{
    public override ApiKey ApiKey => ApiKey.DescribeUserScramCredentials;
    public override short MinVersion => 0;
    public override short MaxVersion => 0;

    protected override async ValueTask<DescribeUserScramCredentialsResponse?> HandleAsync(RequestContext request, DescribeUserScramCredentialsRequest body, CancellationToken ct)
    {
        var session = request.Session;
        if (!authorizer.Authorize(session.Principal, session.RemoteAddress, AclOperation.Describe, ResourceType.Cluster, RequestAuthorization.ClusterResource(session)))
            return new DescribeUserScramCredentialsResponse
            {
                ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed,
                ErrorMessage = "Describe on the cluster is needed to describe SCRAM credentials",
            };

        var (credentials, _) = await store.LoadAsync(ct);
        var byUser = credentials.GroupBy(c => c.User, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var response = new DescribeUserScramCredentialsResponse { ErrorMessage = null };
        if (body.Users is null || body.Users.Count == 0)
        {
            foreach (var (user, entries) in byUser.OrderBy(u => u.Key, StringComparer.Ordinal))
                response.Results.Add(Described(user, entries));
            return response;
        }
        var duplicates = body.Users.GroupBy(u => u.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var name in body.Users.Select(u => u.Name).Distinct(StringComparer.Ordinal))
        {
            if (duplicates.Contains(name))
                response.Results.Add(Failed(name, ErrorCode.DuplicateResource, $"user {name} is named more than once in the request"));
            else if (byUser.TryGetValue(name, out var entries))
                response.Results.Add(Described(name, entries));
            else
                response.Results.Add(Failed(name, ErrorCode.ResourceNotFound, $"user {name} has no SCRAM credential"));
        }
        return response;
    }

    private static DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult Described(string user, List<UserScramCredential> entries)
    {
        var result = new DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult { User = user, ErrorMessage = null };
        foreach (var entry in entries.OrderBy(e => e.Mechanism))
            result.CredentialInfos.Add(new DescribeUserScramCredentialsResponse.CredentialInfo
            {
                Mechanism = (sbyte)entry.Mechanism,
                Iterations = entry.Credential.Iterations,
            });
        return result;
    }

    private static DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult Failed(string user, ErrorCode error, string message) =>
        new() { User = user, ErrorCode = (short)error, ErrorMessage = message };
}

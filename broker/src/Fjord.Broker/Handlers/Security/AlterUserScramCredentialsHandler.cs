using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Security.Credentials;

namespace Fjord.Broker.Handlers.Security;

/// <summary>
/// AlterUserScramCredentials 0: upserts (from the client's salt and salted password, kept only as StoredKey
/// and ServerKey) and deletes SCRAM credentials. Needs Alter on the cluster. Each user's changes are checked
/// before any is applied, so a user gets all of them or none, as in Kafka. A deleted credential closes that
/// user's live sessions on every broker through the credential cache.
/// </summary>
public sealed class AlterUserScramCredentialsHandler(IScramCredentialStore store, ScramCredentialCache cache, IAuthorizer authorizer)
    : ApiHandler<AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse>
{
    public override ApiKey ApiKey => ApiKey.AlterUserScramCredentials;
    public override short MinVersion => 0;
    public override short MaxVersion => 0;

    protected override async ValueTask<AlterUserScramCredentialsResponse?> HandleAsync(RequestContext request, AlterUserScramCredentialsRequest body, CancellationToken ct)
    {
        var session = request.Session;
        var users = body.Deletions.Select(d => d.Name).Concat(body.Upsertions.Select(u => u.Name)).Distinct(StringComparer.Ordinal).ToList();
        var response = new AlterUserScramCredentialsResponse();
        if (!authorizer.Authorize(session.Principal, session.RemoteAddress, AclOperation.Alter, ResourceType.Cluster, RequestAuthorization.ClusterResource(session)))
        {
            foreach (var user in users)
                response.Results.Add(Result(user, ErrorCode.ClusterAuthorizationFailed, "Alter on the cluster is needed to change SCRAM credentials"));
            return response;
        }

        // Another broker may have written a credential a moment ago: check deletions against the store, not a poll-old cache.
        if (body.Deletions.Count > 0) await cache.RefreshAsync(ct);
        var changed = false;
        foreach (var user in users)
        {
            var deletions = body.Deletions.Where(d => d.Name == user).Select(d => d.Mechanism).ToList();
            var upsertions = body.Upsertions.Where(u => u.Name == user).ToList();
            var error = Validate(user, deletions, upsertions);
            if (error is not null)
            {
                response.Results.Add(error);
                continue;
            }
            var missing = deletions.FirstOrDefault(m => !cache.TryGet(user, (ScramMechanism)m, out _));
            if (missing != 0)
            {
                response.Results.Add(Result(user, ErrorCode.ResourceNotFound, $"user {user} has no {((ScramMechanism)missing).MechanismName()} credential to delete"));
                continue;
            }
            foreach (var upsertion in upsertions)
            {
                var mechanism = (ScramMechanism)upsertion.Mechanism;
                var salted = upsertion.SaltedPassword.Span;
                var credential = new ScramCredential(upsertion.Salt.ToArray(), ScramFormatter.StoredKey(mechanism, ScramFormatter.ClientKey(mechanism, salted)),
                    ScramFormatter.ServerKey(mechanism, salted), upsertion.Iterations);
                await store.UpsertAsync(user, mechanism, credential, ct);
            }
            foreach (var mechanism in deletions)
                await store.DeleteAsync(user, (ScramMechanism)mechanism, ct);
            changed = true;
            response.Results.Add(Result(user, ErrorCode.None, null));
        }
        // This broker acts on its own change at once; the others within their poll interval.
        if (changed) await cache.RefreshAsync(ct);
        return response;
    }

    private static AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult? Validate(string user, List<sbyte> deletions,
        List<AlterUserScramCredentialsRequest.ScramCredentialUpsertion> upsertions)
    {
        if (string.IsNullOrEmpty(user)) return Result(user, ErrorCode.UnacceptableCredential, "the user name is empty");
        var mechanisms = deletions.Concat(upsertions.Select(u => u.Mechanism)).ToList();
        var unknown = mechanisms.FindIndex(m => !ScramMechanisms.IsDefined((ScramMechanism)m));
        if (unknown >= 0)
            return Result(user, ErrorCode.UnsupportedSaslMechanism, $"SCRAM mechanism code {mechanisms[unknown]} is not SCRAM-SHA-256 (1) or SCRAM-SHA-512 (2)");
        if (mechanisms.Count != mechanisms.Distinct().Count())
            return Result(user, ErrorCode.DuplicateResource, $"user {user} is altered more than once for one mechanism in the request");
        foreach (var upsertion in upsertions)
        {
            var mechanism = (ScramMechanism)upsertion.Mechanism;
            if (upsertion.Iterations is < ScramMechanisms.MinIterations or > ScramMechanisms.MaxIterations)
                return Result(user, ErrorCode.UnacceptableCredential,
                    $"iterations must be between {ScramMechanisms.MinIterations} and {ScramMechanisms.MaxIterations}, not {upsertion.Iterations}");
            if (upsertion.Salt.IsEmpty) return Result(user, ErrorCode.UnacceptableCredential, "the salt is empty");
            if (upsertion.SaltedPassword.Length != mechanism.HashSize())
                return Result(user, ErrorCode.UnacceptableCredential, $"a {mechanism.MechanismName()} salted password is {mechanism.HashSize()} bytes, not {upsertion.SaltedPassword.Length}");
        }
        return null;
    }

    private static AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult Result(string user, ErrorCode error, string? message) =>
        new() { User = user, ErrorCode = (short)error, ErrorMessage = message };
}

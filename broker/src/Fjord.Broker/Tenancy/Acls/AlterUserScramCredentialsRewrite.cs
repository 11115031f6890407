using Fjord.Broker.Network;
using Fjord.Broker.Tenancy.Groups;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Acls;

/// <summary>
/// AlterUserScramCredentials: the user names of deletions and upsertions, and each result's back. A tenant's user
/// named <c>*</c> would be stored as <c>acme.*</c>, which is how the tenant's <c>User:*</c> is stored in its ACLs, so
/// a real user of that name is refused (UNACCEPTABLE_CREDENTIAL) and the rest of the request goes ahead.
/// </summary>
public sealed class AlterUserScramCredentialsRewrite : TenantRewrite<AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse>
{
    public static readonly AlterUserScramCredentialsRewrite Instance = new();

    private const string Wildcard = "*";

    public override AlterUserScramCredentialsResponse? ToStored(TenantScope tenant, RequestContext context, AlterUserScramCredentialsRequest request)
    {
        var refused = request.Deletions.RemoveAll(d => d.Name == Wildcard) + request.Upsertions.RemoveAll(u => u.Name == Wildcard);
        if (refused > 0) context.TenantRewriteState = Wildcard;
        foreach (var deletion in request.Deletions) deletion.Name = TenantNames.ToStored(tenant, deletion.Name);
        foreach (var upsertion in request.Upsertions) upsertion.Name = TenantNames.ToStored(tenant, upsertion.Name);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, AlterUserScramCredentialsRequest request, AlterUserScramCredentialsResponse response)
    {
        TenantNames.KeepOwn(tenant, response.Results, static r => r.User, static (r, user) => r.User = user);
        foreach (var result in response.Results) result.ErrorMessage = tenant.ToClientMessage(result.ErrorMessage);
        if (context.TenantRewriteState is Wildcard)
        {
            response.Results.Add(new AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult
            {
                User = Wildcard,
                ErrorCode = (short)ErrorCode.UnacceptableCredential,
                ErrorMessage = "User name * is reserved: in ACLs User:* means every user of the tenant",
            });
        }
    }
}

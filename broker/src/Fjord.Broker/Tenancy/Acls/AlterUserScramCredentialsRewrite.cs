using Fjord.Broker.Network;
using Fjord.Broker.Tenancy.Groups;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Acls;

/// <summary>AlterUserScramCredentials: the user names of deletions and upsertions, and each result's back.</summary>
public sealed class AlterUserScramCredentialsRewrite : TenantRewrite<AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse>
{
    public static readonly AlterUserScramCredentialsRewrite Instance = new();

    public override AlterUserScramCredentialsResponse? ToStored(TenantScope tenant, RequestContext context, AlterUserScramCredentialsRequest request)
    {
        foreach (var deletion in request.Deletions) deletion.Name = TenantNames.ToStored(tenant, deletion.Name);
        foreach (var upsertion in request.Upsertions) upsertion.Name = TenantNames.ToStored(tenant, upsertion.Name);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, AlterUserScramCredentialsRequest request, AlterUserScramCredentialsResponse response)
    {
        TenantNames.KeepOwn(tenant, response.Results, static r => r.User, static (r, user) => r.User = user);
        foreach (var result in response.Results) result.ErrorMessage = tenant.ToClientMessage(result.ErrorMessage);
    }
}

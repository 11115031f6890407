using Fjord.Broker.Network;
using Fjord.Broker.Tenancy.Groups;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Acls;

/// <summary>
/// DescribeUserScramCredentials: user names are stored as the tenant's principals' names (<c>bob</c> as <c>acme.bob</c>,
/// the name the client logs in with). No users (null, or an empty list, which Kafka also reads as "all") lists every
/// user, of which the tenant sees its own.
/// </summary>
public sealed class DescribeUserScramCredentialsRewrite : TenantRewrite<DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse>
{
    public static readonly DescribeUserScramCredentialsRewrite Instance = new();

    public override DescribeUserScramCredentialsResponse? ToStored(TenantScope tenant, RequestContext context, DescribeUserScramCredentialsRequest request)
    {
        if (request.Users is not { Count: > 0 } users)
        {
            request.Users = null;
            return null;
        }
        foreach (var user in users) user.Name = TenantNames.ToStored(tenant, user.Name);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, DescribeUserScramCredentialsRequest request, DescribeUserScramCredentialsResponse response)
    {
        response.ErrorMessage = tenant.ToClientMessage(response.ErrorMessage);
        // Everyone's users come back to a request for all of them: only an answer to a name the tenant sent may be empty.
        TenantNames.KeepOwn(tenant, response.Results, static r => r.User, static (r, user) => r.User = user, echoed: request.Users is not null);
        foreach (var result in response.Results) result.ErrorMessage = tenant.ToClientMessage(result.ErrorMessage);
    }
}

using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Acls;

/// <summary>
/// CreateAcls: each creation's resource name and principal into the tenant's namespace (see <see cref="TenantAcls"/>),
/// so whatever a tenant writes can only ever grant its own principals access to its own resources. Creations on
/// USER or DELEGATION_TOKEN resources are the operator's and are answered INVALID_REQUEST without reaching the
/// handler; the others are still created, as Kafka answers each creation on its own.
/// </summary>
public sealed class CreateAclsRewrite : TenantRewrite<CreateAclsRequest, CreateAclsResponse>
{
    public static readonly CreateAclsRewrite Instance = new();

    public override CreateAclsResponse? ToStored(TenantScope tenant, RequestContext context, CreateAclsRequest request)
    {
        List<(int Index, ResourceType Type)>? refused = null;
        var kept = new List<CreateAclsRequest.AclCreation>(request.Creations.Count);
        for (var i = 0; i < request.Creations.Count; i++)
        {
            var creation = request.Creations[i];
            var type = (ResourceType)creation.ResourceType;
            if (TenantAcls.IsOperatorOnly(type))
            {
                (refused ??= []).Add((i, type));
                continue;
            }
            (creation.ResourceName, var patternType) = TenantAcls.ToStored(tenant, creation.ResourceName, (PatternType)creation.ResourcePatternType);
            creation.ResourcePatternType = (sbyte)patternType;
            creation.Principal = TenantAcls.ToStoredPrincipal(tenant, creation.Principal);
            kept.Add(creation);
        }
        if (refused is not null)
        {
            request.Creations = kept;
            context.TenantRewriteState = refused;
        }
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, CreateAclsRequest request, CreateAclsResponse response)
    {
        foreach (var result in response.Results) result.ErrorMessage = tenant.ToClientMessage(result.ErrorMessage);
        if (context.TenantRewriteState is not List<(int Index, ResourceType Type)> refused) return;
        // In index order, each refusal goes back to where its creation was in the request.
        foreach (var (index, type) in refused)
            response.Results.Insert(Math.Min(index, response.Results.Count), new CreateAclsResponse.AclCreationResult
            {
                ErrorCode = (short)ErrorCode.InvalidRequest,
                ErrorMessage = TenantAcls.OperatorOnlyMessage(type),
            });
    }
}

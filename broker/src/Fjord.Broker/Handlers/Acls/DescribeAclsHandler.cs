using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Handlers.Acls;

/// <summary>
/// DescribeAcls 0–3: the stored ACLs matching one filter, grouped by resource pattern. Needs Describe on the
/// cluster. Reads the store rather than this broker's snapshot, so a change made through any broker shows at once.
/// A tenant's filter reaches its own ACLs only (<see cref="TenantAcls.Matcher"/>).
/// </summary>
public sealed class DescribeAclsHandler(IAclStore? store, IAuthorizer authorizer) : ApiHandler<DescribeAclsRequest, DescribeAclsResponse>
{
    public override ApiKey ApiKey => ApiKey.DescribeAcls;
    public override short MinVersion => 0;
    public override short MaxVersion => 3;

    protected override async ValueTask<DescribeAclsResponse?> HandleAsync(RequestContext request, DescribeAclsRequest body, CancellationToken ct)
    {
        if (store is null) return Error(ErrorCode.SecurityDisabled, AclWire.SecurityDisabledMessage);
        if (!AclWire.AuthorizeCluster(authorizer, request, AclOperation.Describe))
            return Error(ErrorCode.ClusterAuthorizationFailed, AclWire.ClusterAuthorizationFailedMessage);

        var filter = AclWire.ToFilter(body.ResourceTypeFilter, body.ResourceNameFilter, body.PatternTypeFilter,
            body.PrincipalFilter, body.HostFilter, body.Operation, body.PermissionType);
        if (AclValidation.ValidateFilter(filter) is { } invalid)
            return Error(ErrorCode.InvalidRequest, invalid);

        IReadOnlyList<AclBinding> acls;
        try
        {
            (acls, _) = await store.LoadAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Error(ErrorCode.UnknownServerError, $"The ACL store failed: {e.Message}");
        }

        var response = new DescribeAclsResponse { ErrorMessage = null };
        DescribeAclsResponse.DescribeAclsResource? current = null;
        ResourcePattern? currentPattern = null;
        foreach (var acl in AclWire.InStableOrder(acls.Where(TenantAcls.Matcher(request.Session.Tenant, filter))))
        {
            if (current is null || acl.Pattern != currentPattern)
            {
                currentPattern = acl.Pattern;
                current = new DescribeAclsResponse.DescribeAclsResource
                {
                    ResourceType = (sbyte)acl.Pattern.ResourceType,
                    ResourceName = acl.Pattern.Name,
                    PatternType = (sbyte)acl.Pattern.PatternType,
                };
                response.Resources.Add(current);
            }
            current.Acls.Add(new DescribeAclsResponse.AclDescription
            {
                Principal = acl.Entry.Principal,
                Host = acl.Entry.Host,
                Operation = (sbyte)acl.Entry.Operation,
                PermissionType = (sbyte)acl.Entry.PermissionType,
            });
        }
        return response;
    }

    private static DescribeAclsResponse Error(ErrorCode code, string message) => new() { ErrorCode = (short)code, ErrorMessage = message };
}

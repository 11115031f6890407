using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Handlers.Acls;

/// <summary>
/// DeleteAcls 0–3: each filter deletes every stored ACL it matches and lists them; filters apply in request
/// order, so an ACL two filters match is listed under the first. Needs Alter on the cluster. An invalid filter
/// gets INVALID_REQUEST and deletes nothing. The change is enforced on this broker before the response.
/// </summary>
public sealed class DeleteAclsHandler(IAclStore? store, AclCache? cache, IAuthorizer authorizer) : ApiHandler<DeleteAclsRequest, DeleteAclsResponse>
{
    public override ApiKey ApiKey => ApiKey.DeleteAcls;
    public override short MinVersion => 0;
    public override short MaxVersion => 3;

    protected override async ValueTask<DeleteAclsResponse?> HandleAsync(RequestContext request, DeleteAclsRequest body, CancellationToken ct)
    {
        var response = new DeleteAclsResponse();
        if (store is null || cache is null)
        {
            foreach (var _ in body.Filters)
                response.FilterResults.Add(Result(ErrorCode.SecurityDisabled, AclWire.SecurityDisabledMessage));
            return response;
        }
        if (!AclWire.AuthorizeCluster(authorizer, request, AclOperation.Alter))
        {
            foreach (var _ in body.Filters)
                response.FilterResults.Add(Result(ErrorCode.ClusterAuthorizationFailed, AclWire.ClusterAuthorizationFailedMessage));
            return response;
        }

        var deletedAny = false;
        foreach (var wire in body.Filters)
        {
            var filter = AclWire.ToFilter(wire.ResourceTypeFilter, wire.ResourceNameFilter, wire.PatternTypeFilter,
                wire.PrincipalFilter, wire.HostFilter, wire.Operation, wire.PermissionType);
            if (AclValidation.ValidateFilter(filter) is { } invalid)
            {
                response.FilterResults.Add(Result(ErrorCode.InvalidRequest, invalid));
                continue;
            }
            IReadOnlyList<AclBinding> deleted;
            try
            {
                deleted = request.Session.Tenant is { } tenant ? await DeleteOwnAsync(store, tenant, filter, ct) : await store.DeleteAsync(filter, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                response.FilterResults.Add(Result(ErrorCode.UnknownServerError, $"The ACL store failed: {e.Message}"));
                continue;
            }
            var result = Result(ErrorCode.None, null);
            foreach (var acl in AclWire.InStableOrder(deleted))
                result.MatchingAcls.Add(Matching(acl));
            response.FilterResults.Add(result);
            deletedAny |= deleted.Count > 0;
        }
        if (deletedAny) await AclRefresh.AfterWriteAsync(cache, ct);
        return response;
    }

    /// <summary>
    /// A tenant's filter deletes its own matching ACLs only (<see cref="TenantAcls.Matcher"/>): the store's filter cannot
    /// say "the tenant's", so each one found is deleted by the filter that matches it alone.
    /// </summary>
    private static async Task<IReadOnlyList<AclBinding>> DeleteOwnAsync(IAclStore store, TenantScope tenant, AclBindingFilter filter, CancellationToken ct)
    {
        var (acls, _) = await store.LoadAsync(ct);
        var deleted = new List<AclBinding>();
        foreach (var acl in acls.Where(TenantAcls.Matcher(tenant, filter)))
            deleted.AddRange(await store.DeleteAsync(AclBindingFilter.For(acl), ct));
        return deleted;
    }

    private static DeleteAclsResponse.DeleteAclsFilterResult Result(ErrorCode code, string? message) =>
        new() { ErrorCode = (short)code, ErrorMessage = message };

    private static DeleteAclsResponse.DeleteAclsMatchingAcl Matching(AclBinding acl) => new()
    {
        ErrorMessage = null,
        ResourceType = (sbyte)acl.Pattern.ResourceType,
        ResourceName = acl.Pattern.Name,
        PatternType = (sbyte)acl.Pattern.PatternType,
        Principal = acl.Entry.Principal,
        Host = acl.Entry.Host,
        Operation = (sbyte)acl.Entry.Operation,
        PermissionType = (sbyte)acl.Entry.PermissionType,
    };
}

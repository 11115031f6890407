using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Handlers.Acls;

/// <summary>
/// CreateAcls 0–3: stores the valid bindings in one store call and answers each creation in request order.
/// Needs Alter on the cluster. A creation that is invalid gets INVALID_REQUEST and is not stored; the valid
/// ones of the same request still are, as in Kafka. The change is enforced on this broker before the response.
/// </summary>
public sealed class CreateAclsHandler(IAclStore? store, AclCache? cache, IAuthorizer authorizer) : ApiHandler<CreateAclsRequest, CreateAclsResponse>
{
    public override ApiKey ApiKey => ApiKey.CreateAcls;
    public override short MinVersion => 0;
    public override short MaxVersion => 3;

    protected override async ValueTask<CreateAclsResponse?> HandleAsync(RequestContext request, CreateAclsRequest body, CancellationToken ct)
    {
        var response = new CreateAclsResponse();
        if (store is null || cache is null)
        {
            foreach (var _ in body.Creations)
                response.Results.Add(Result(ErrorCode.SecurityDisabled, AclWire.SecurityDisabledMessage));
            return response;
        }
        if (!AclWire.AuthorizeCluster(authorizer, request, AclOperation.Alter))
        {
            foreach (var _ in body.Creations)
                response.Results.Add(Result(ErrorCode.ClusterAuthorizationFailed, AclWire.ClusterAuthorizationFailedMessage));
            return response;
        }

        var valid = new List<AclBinding>();
        foreach (var creation in body.Creations)
        {
            var binding = AclWire.ToBinding(creation.ResourceType, creation.ResourceName, creation.ResourcePatternType,
                creation.Principal, creation.Host, creation.Operation, creation.PermissionType);
            var invalid = AclValidation.ValidateBinding(TenantAcls.ForValidation(request.Session.Tenant, binding));
            response.Results.Add(invalid is null ? Result(ErrorCode.None, null) : Result(ErrorCode.InvalidRequest, invalid));
            if (invalid is null) valid.Add(binding);
        }
        if (valid.Count == 0) return response;

        try
        {
            await store.CreateAsync(valid, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Storage said no: none of the valid bindings is known to be stored, so none is reported created.
            foreach (var result in response.Results.Where(r => r.ErrorCode == (short)ErrorCode.None))
                (result.ErrorCode, result.ErrorMessage) = ((short)ErrorCode.UnknownServerError, $"The ACL store failed: {e.Message}");
            return response;
        }
        await AclRefresh.AfterWriteAsync(cache, ct);
        return response;
    }

    private static CreateAclsResponse.AclCreationResult Result(ErrorCode code, string? message) =>
        new() { ErrorCode = (short)code, ErrorMessage = message };
}

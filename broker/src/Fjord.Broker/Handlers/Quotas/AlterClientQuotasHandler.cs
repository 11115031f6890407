using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Security.Quotas;

namespace Fjord.Broker.Handlers.Quotas;

/// <summary>
/// AlterClientQuotas 0–1 (KIP-546): each entry sets or removes quota keys of one entity, validated as Kafka does
/// (entity and key problems INVALID_REQUEST, bad values INVALID_CONFIG), each entry on its own. validate_only checks
/// without writing. Needs AlterConfigs on the cluster. After a write the local cache reloads, so this broker enforces
/// the change at once; the others within their poll interval.
/// </summary>
public sealed class AlterClientQuotasHandler(IClientQuotaStore store, ClientQuotaCache? cache, IAuthorizer authorizer)
    : ApiHandler<AlterClientQuotasRequest, AlterClientQuotasResponse>
{
    public override ApiKey ApiKey => ApiKey.AlterClientQuotas;
    public override short MinVersion => 0;
    public override short MaxVersion => 1;

    protected override async ValueTask<AlterClientQuotasResponse?> HandleAsync(RequestContext request, AlterClientQuotasRequest body, CancellationToken ct)
    {
        var response = new AlterClientQuotasResponse();
        var authorized = authorizer.AuthorizeCluster(request, AclOperation.AlterConfigs);
        var wrote = false;
        foreach (var entry in body.Entries)
        {
            var result = new AlterClientQuotasResponse.EntryData { ErrorMessage = null };
            foreach (var e in entry.Entity)
                result.Entity.Add(new AlterClientQuotasResponse.EntityData { EntityType = e.EntityType, EntityName = e.EntityName });
            response.Entries.Add(result);

            var (code, message, entity, alterations) = authorized
                ? Validate(entry)
                : (ErrorCode.ClusterAuthorizationFailed, "AlterConfigs on the cluster is needed to alter client quotas", null, null);
            if (code != ErrorCode.None)
            {
                result.ErrorCode = (short)code;
                result.ErrorMessage = message;
                continue;
            }
            if (body.ValidateOnly) continue;
            try
            {
                await store.AlterAsync(entity!, alterations!, ct);
                wrote = true;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Entries stand alone, as in Kafka: a store that stays contended or unreachable fails this one.
                result.ErrorCode = (short)ErrorCode.UnknownServerError;
                result.ErrorMessage = $"Storing the quotas of {entity} failed: {e.Message}";
            }
        }
        if (wrote && cache is not null) await cache.RefreshAsync(ct);
        return response;
    }

    internal static (ErrorCode Code, string? Message, ClientQuotaEntity? Entity, List<ClientQuotaAlteration>? Alterations) Validate(AlterClientQuotasRequest.EntryData entry)
    {
        if (!ClientQuotaEntity.TryCreate(entry.Entity.Select(e => (e.EntityType, e.EntityName)), out var entity, out var duplicate))
            return (ErrorCode.InvalidRequest, duplicate, null, null);
        if (ClientQuotaValidation.EntityProblem(entity) is { } entityProblem)
            return (ErrorCode.InvalidRequest, entityProblem, null, null);
        var alterations = new List<ClientQuotaAlteration>(entry.Ops.Count);
        foreach (var op in entry.Ops)
        {
            if (alterations.Exists(a => a.Key == op.Key))
                return (ErrorCode.InvalidRequest, $"Duplicate quota key {op.Key} for entity {entity}", null, null);
            if (ClientQuotaValidation.KeyProblem(entity, op.Key) is { } keyProblem)
                return (ErrorCode.InvalidRequest, keyProblem, null, null);
            if (!op.Remove && ClientQuotaValidation.ValueProblem(op.Key, op.Value) is { } valueProblem)
                return (ErrorCode.InvalidConfig, valueProblem, null, null);
            alterations.Add(new ClientQuotaAlteration(op.Key, op.Remove ? null : op.Value));
        }
        return (ErrorCode.None, null, entity, alterations);
    }
}

using Fjord.Broker.Admin;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Security.Credentials;
using Fjord.Security.Principals;
using Fjord.Security.Quotas;
using Fjord.Security.Tenancy;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Tenancy;

/// <summary>
/// Removes what a tenant marked <see cref="TenantState.Deleting"/> owns, then its row: its SCRAM users (so nobody can
/// log in as it any more), every ACL on its names or of its principals, its transactional ids, its groups with their
/// committed offsets, and its topics (as DeleteTopics deletes them: metadata, local logs, tiered segments). The row
/// goes last and only once nothing of the tenant is left, so a reap cut short anywhere is simply done again by the
/// next <see cref="ReapAsync"/>; every step is idempotent. Ownership is the exact prefix <c>id.</c>: tenant
/// <c>ab</c> never touches <c>abc.x</c>. Runs on the active controller only.
/// </summary>
public sealed partial class TenantReaper
{
    private const int MaxTransactionDeleteAttempts = 10;

    private readonly ITenantStore _tenants;
    private readonly IMetadataStore _metadata;
    private readonly Func<TopicMetadata, CancellationToken, Task> _deleteTopic;
    private readonly IOffsetStore _offsets;
    private readonly ITransactionStateStore _transactions;
    private readonly int _transactionStatePartitions;
    private readonly IScramCredentialStore _credentials;
    private readonly IAclStore _acls;
    private readonly ILogger _logger;
    private readonly IClientQuotaStore? _quotas;

    /// <param name="transactionStatePartitions">transaction.state.log.num.partitions: the partitions of the transaction store to look through.</param>
    public TenantReaper(ITenantStore tenants, IMetadataStore metadata, TopicAdmin topics, IOffsetStore offsets, ITransactionStateStore transactions,
        int transactionStatePartitions, IScramCredentialStore credentials, IAclStore acls, ILogger<TenantReaper> logger, IClientQuotaStore? quotas = null)
        : this(tenants, metadata, (topic, ct) => DeleteTopicAsync(topics, topic, ct), offsets, transactions, transactionStatePartitions, credentials, acls, logger, quotas)
    {
        ArgumentNullException.ThrowIfNull(topics);
    }

    /// <param name="deleteTopic">Deletes one topic everywhere it lives; a topic already gone is no failure. Throws when it cannot.</param>
    internal TenantReaper(ITenantStore tenants, IMetadataStore metadata, Func<TopicMetadata, CancellationToken, Task> deleteTopic, IOffsetStore offsets,
        ITransactionStateStore transactions, int transactionStatePartitions, IScramCredentialStore credentials, IAclStore acls, ILogger logger,
        IClientQuotaStore? quotas = null)
    {
        _quotas = quotas;
        ArgumentNullException.ThrowIfNull(tenants);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(deleteTopic);
        ArgumentNullException.ThrowIfNull(offsets);
        ArgumentNullException.ThrowIfNull(transactions);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(transactionStatePartitions);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(acls);
        ArgumentNullException.ThrowIfNull(logger);
        _tenants = tenants;
        _metadata = metadata;
        _deleteTopic = deleteTopic;
        _offsets = offsets;
        _transactions = transactions;
        _transactionStatePartitions = transactionStatePartitions;
        _credentials = credentials;
        _acls = acls;
        _logger = logger;
    }

    /// <summary>
    /// Reaps every tenant being deleted. One tenant's failure (storage, topic deletion disabled) is logged and leaves
    /// that tenant for the next call; the others are still reaped. Only listing the tenants can make this throw.
    /// </summary>
    public async Task ReapAsync(CancellationToken ct)
    {
        var tenants = await _tenants.ListAsync(ct).ConfigureAwait(false);
        foreach (var tenant in tenants)
        {
            if (tenant.State != TenantState.Deleting) continue;
            try
            {
                await ReapTenantAsync(tenant, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                LogReapFailed(e, tenant.Id);
            }
        }
    }

    /// <returns>True when the tenant is gone; false when something of it was left to the next reap.</returns>
    internal async Task<bool> ReapTenantAsync(Tenant tenant, CancellationToken ct)
    {
        var scope = new TenantScope(tenant);
        LogReaping(tenant.Id);
        var users = await DeleteUsersAsync(scope, ct).ConfigureAwait(false);
        var acls = await DeleteAclsAsync(scope, ct).ConfigureAwait(false);
        await DeleteQuotasAsync(scope, ct).ConfigureAwait(false);
        var transactionalIds = await DeleteTransactionalIdsAsync(scope, ct).ConfigureAwait(false);
        var groups = await DeleteGroupsAsync(scope, ct).ConfigureAwait(false);
        var topics = await DeleteTopicsAsync(scope, ct).ConfigureAwait(false);

        // A client still connected when the deletion began may have added something since it was listed; what is
        // left now waits for the next reap, by which time every connection of the tenant is closed.
        if (await RemainsAsync(scope, ct).ConfigureAwait(false) is { } left)
        {
            LogLeftForNextReap(tenant.Id, left);
            return false;
        }
        // Only a tenant still being deleted goes: its state cannot leave Deleting, but a re-created tenant of the same id must not be removed.
        var current = await _tenants.GetAsync(tenant.Id, ct).ConfigureAwait(false);
        if (current is null || current.State != TenantState.Deleting || current.ClusterId != tenant.ClusterId) return current is null;
        await _tenants.DeleteAsync(tenant.Id, ct).ConfigureAwait(false);
        LogReaped(tenant.Id, topics, groups, transactionalIds, acls, users);
        return true;
    }

    /// <summary>Every quota entity carrying <c>tenant=id</c>: the tenant's own user and client-id quotas, and the operator's cap on it.</summary>
    private async Task DeleteQuotasAsync(TenantScope scope, CancellationToken ct)
    {
        if (_quotas is null) return;
        var (quotas, _) = await _quotas.LoadAsync(ct).ConfigureAwait(false);
        foreach (var quota in quotas)
        {
            if (!quota.Entity.TryGetName(ClientQuotaEntity.Tenant, out var tenant) || tenant != scope.Id) continue;
            await _quotas.AlterAsync(quota.Entity, [.. quota.Values.Keys.Select(key => new ClientQuotaAlteration(key, null))], ct).ConfigureAwait(false);
        }
    }

    private async Task<int> DeleteUsersAsync(TenantScope scope, CancellationToken ct)
    {
        var (credentials, _) = await _credentials.LoadAsync(ct).ConfigureAwait(false);
        var deleted = 0;
        foreach (var credential in credentials)
        {
            if (!OwnsName(scope, credential.User)) continue;
            if (await _credentials.DeleteAsync(credential.User, credential.Mechanism, ct).ConfigureAwait(false)) deleted++;
        }
        return deleted;
    }

    /// <summary>
    /// Deleted by filters, not binding by binding: one filter per principal of the tenant takes all of that principal's
    /// ACLs, and one per resource pattern of the tenant takes the rest (an operator's ACLs on the tenant's names).
    /// </summary>
    private async Task<int> DeleteAclsAsync(TenantScope scope, CancellationToken ct)
    {
        var (acls, _) = await _acls.LoadAsync(ct).ConfigureAwait(false);
        var owned = acls.Where(a => OwnsAcl(scope, a)).ToList();
        if (owned.Count == 0) return 0;
        var filters = owned.Where(a => OwnsPrincipal(scope, a.Entry.Principal))
            .Select(a => a.Entry.Principal).Distinct(StringComparer.Ordinal)
            .Select(p => new AclBindingFilter(ResourceType.Any, null, PatternType.Any, p, null, AclOperation.Any, AclPermissionType.Any))
            .Concat(owned.Where(a => !OwnsPrincipal(scope, a.Entry.Principal))
                .Select(a => a.Pattern).Distinct()
                .Select(r => new AclBindingFilter(r.ResourceType, r.Name, r.PatternType, null, null, AclOperation.Any, AclPermissionType.Any)));
        var deleted = 0;
        foreach (var filter in filters)
            deleted += (await _acls.DeleteAsync(filter, ct).ConfigureAwait(false)).Count;
        return deleted;
    }

    private async Task<int> DeleteTransactionalIdsAsync(TenantScope scope, CancellationToken ct)
    {
        var deleted = 0;
        for (var partition = 0; partition < _transactionStatePartitions; partition++)
        {
            foreach (var stored in await _transactions.LoadPartitionAsync(partition, ct).ConfigureAwait(false))
            {
                var id = stored.Metadata.TransactionalId;
                if (!OwnsName(scope, id)) continue;
                // A coordinator that writes in between moves the row's version: read it again and delete that version.
                var row = stored;
                for (var attempt = 1; row is not null; attempt++)
                {
                    if (await _transactions.DeleteAsync(partition, id, row.ETag, ct).ConfigureAwait(false))
                    {
                        deleted++;
                        break;
                    }
                    if (attempt == MaxTransactionDeleteAttempts)
                        throw new InvalidOperationException($"Transactional id {id} kept changing under {MaxTransactionDeleteAttempts} attempts to delete it");
                    row = await _transactions.ReadAsync(partition, id, ct).ConfigureAwait(false);
                }
            }
        }
        return deleted;
    }

    private async Task<int> DeleteGroupsAsync(TenantScope scope, CancellationToken ct)
    {
        var deleted = 0;
        foreach (var group in await _offsets.ListGroupIdsAsync(ct).ConfigureAwait(false))
        {
            if (!OwnsName(scope, group)) continue;
            await _offsets.DeleteGroupAsync(group, ct).ConfigureAwait(false);
            deleted++;
        }
        return deleted;
    }

    private async Task<int> DeleteTopicsAsync(TenantScope scope, CancellationToken ct)
    {
        var deleted = 0;
        foreach (var topic in await _metadata.ListTopicsAsync(ct).ConfigureAwait(false))
        {
            if (!OwnsName(scope, topic.Name)) continue;
            await _deleteTopic(topic, ct).ConfigureAwait(false);
            deleted++;
        }
        return deleted;
    }

    /// <summary>What of the tenant is still stored, described; null when nothing is.</summary>
    private async Task<string?> RemainsAsync(TenantScope scope, CancellationToken ct)
    {
        var left = new List<string>();
        var topics = (await _metadata.ListTopicsAsync(ct).ConfigureAwait(false)).Count(t => OwnsName(scope, t.Name));
        if (topics > 0) left.Add($"{topics} topic(s)");
        var groups = (await _offsets.ListGroupIdsAsync(ct).ConfigureAwait(false)).Count(g => OwnsName(scope, g));
        if (groups > 0) left.Add($"{groups} group(s)");
        var users = (await _credentials.LoadAsync(ct).ConfigureAwait(false)).Credentials.Count(c => OwnsName(scope, c.User));
        if (users > 0) left.Add($"{users} SCRAM credential(s)");
        var acls = (await _acls.LoadAsync(ct).ConfigureAwait(false)).Acls.Count(a => OwnsAcl(scope, a));
        if (acls > 0) left.Add($"{acls} ACL(s)");
        return left.Count == 0 ? null : string.Join(", ", left);
    }

    /// <summary>
    /// A name of the tenant: it starts with <c>id.</c>. Unlike <see cref="TenantScope.Owns"/> the bare prefix counts
    /// too: a PREFIXED ACL on <c>id.</c> is the tenant's, as is any stray row keyed by it.
    /// </summary>
    private static bool OwnsName(TenantScope scope, string name) => name.StartsWith(scope.Prefix, StringComparison.Ordinal);

    private static bool OwnsPrincipal(TenantScope scope, string principal) =>
        KafkaPrincipal.TryParse(principal, out var parsed) && OwnsName(scope, parsed.Name);

    private static bool OwnsAcl(TenantScope scope, AclBinding acl) =>
        OwnsName(scope, acl.Pattern.Name) || OwnsPrincipal(scope, acl.Entry.Principal);

    /// <summary>DeleteTopics' path: the metadata row, this broker's logs, the tiered segments and their manifest rows; other brokers drop their logs when they see the deletion.</summary>
    private static async Task DeleteTopicAsync(TopicAdmin topics, TopicMetadata topic, CancellationToken ct)
    {
        var outcome = await topics.DeleteAsync(topic, ct).ConfigureAwait(false);
        // Gone already: another reap, or a DeleteTopics, got there first.
        if (outcome.Error is ErrorCode.None or ErrorCode.UnknownTopicOrPartition) return;
        throw new InvalidOperationException($"Topic {topic.Name} could not be deleted ({outcome.Error}): {outcome.Message}");
    }

    [LoggerMessage(EventId = 7720, Level = LogLevel.Information, Message = "Reaping tenant {Tenant}: removing its users, ACLs, transactional ids, groups and topics")]
    private partial void LogReaping(string tenant);

    [LoggerMessage(EventId = 7721, Level = LogLevel.Information,
        Message = "Tenant {Tenant} is deleted: {Topics} topic(s), {Groups} group(s), {TransactionalIds} transactional id(s), {Acls} ACL(s) and {Credentials} SCRAM credential(s) removed")]
    private partial void LogReaped(string tenant, int topics, int groups, int transactionalIds, int acls, int credentials);

    [LoggerMessage(EventId = 7722, Level = LogLevel.Information, Message = "Tenant {Tenant} still has {Left}; the next reap removes it")]
    private partial void LogLeftForNextReap(string tenant, string left);

    [LoggerMessage(EventId = 7723, Level = LogLevel.Warning, Message = "Reaping tenant {Tenant} failed; the next reap tries again")]
    private partial void LogReapFailed(Exception exception, string tenant);
}

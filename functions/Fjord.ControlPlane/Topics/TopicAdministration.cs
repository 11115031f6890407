using Azure;
using Fjord.Cluster;
using Fjord.Security.Tenancy;

namespace Fjord.ControlPlane.Topics;

/// <summary>
/// A tenant's topics in the cluster's metadata table, under the tenant's own names: create, list, get, add
/// partitions, replace configs and delete. Requests are checked with the broker's own rules (TopicNames with the
/// tenant's shorter bound, <see cref="TopicCreationRules"/>, <see cref="TopicConfigRules"/>,
/// <see cref="TenantTopicLimitRules"/>), so the API refuses exactly what CreateTopics would. Like the broker's
/// CreateTopics, a create only writes the topic row; the broker holding the controller lease places the
/// partitions and elects their leaders, and the create waits for that up to a bound.
/// </summary>
/// <remarks>
/// Table operations of a create (a tenant without limits, nothing there yet): tenant row 1, broker list 1, topic
/// read 1, CreateTopicAsync 3 (row read, version read, one transaction), then 2 per leader poll (partition range,
/// topic row): 8 when the first poll sees the leaders. A tenant with MaxTopics or MaxPartitions adds one fenced
/// listing of all topics (3: version, range, version). Deleting writes what the broker's DeleteTopics writes:
/// the store's delete (topic row, tombstone, partition rows, version bump) in one transaction; every broker
/// removes its local logs once it sees the tombstone.
/// </remarks>
public sealed class TopicAdministration
{
    /// <summary>The broker's bound on a create's wait for leaders (TopicAdmin.MaxLeaderWait).</summary>
    public static readonly TimeSpan DefaultLeaderWait = TimeSpan.FromSeconds(10);

    public const int MaxPageSize = 1000;

    /// <summary>Between two looks at the partition rows while waiting for leaders: each look is two reads.</summary>
    private static readonly TimeSpan LeaderPollInterval = TimeSpan.FromMilliseconds(100);

    private readonly TableMetadataStore _store;
    private readonly ITenantStore _tenants;
    private readonly TimeProvider _time;
    private readonly TimeSpan _leaderWait;

    /// <param name="leaderWait">How long a create waits for leaders before answering "creating"; at most <see cref="DefaultLeaderWait"/> is sensible.</param>
    public TopicAdministration(TableMetadataStore store, ITenantStore tenants, TimeProvider time, TimeSpan? leaderWait = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(tenants);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _tenants = tenants;
        _time = time;
        _leaderWait = leaderWait ?? DefaultLeaderWait;
        if (_leaderWait < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(leaderWait), leaderWait, "must not be negative");
    }

    /// <summary>
    /// Creates the tenant's topic and waits (up to the leader wait) until every partition has a leader. Creating
    /// a topic that exists with the same partitions, replication factor and configs is not an error: it answers
    /// <see cref="TopicCreation.Created"/> = false, so a retried create is safe.
    /// </summary>
    /// <exception cref="TopicAdministrationException">Invalid input, a limit, an existing different topic, no such tenant or a tenant being deleted.</exception>
    public async Task<TopicCreation> CreateAsync(string tenantId, string name, TopicSpec spec, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var tenant = await WritableTenantAsync(tenantId, ct).ConfigureAwait(false);
        ValidateName(tenant, name);
        if (TopicCreationRules.PartitionCountProblem(spec.Partitions) is { } partitionsProblem) throw Invalid(partitionsProblem);
        // The broker's order: name, partitions, replication factor, configs, limits; so the same request gets the same first complaint.
        var brokers = spec.ReplicationFactor > 0 ? await ListBrokersAsync(ct).ConfigureAwait(false) : 0;
        if (TopicCreationRules.ReplicationFactorProblem(spec.ReplicationFactor, brokers) is { } replicationProblem) throw Invalid(replicationProblem);
        if (TopicConfigRules.Validate(spec.Configs) is { } configProblem) throw Invalid(configProblem);

        var stored = tenant.ToStored(name);
        if (await _store.GetTopicAsync(stored, ct).ConfigureAwait(false) is { } existing)
            return await ExistingAsync(name, existing, spec, ct).ConfigureAwait(false);
        if (tenant.Limits.MaxTopics is not null || tenant.Limits.MaxPartitions is not null)
        {
            var (topics, partitions) = Usage(tenant, await ListStoredAsync(ct).ConfigureAwait(false));
            if (TenantTopicLimitRules.CreateProblem(tenant.Id, tenant.Limits, topics, partitions, spec.Partitions) is { } limitProblem)
                throw new TopicAdministrationException(TopicErrorKind.LimitExceeded, limitProblem);
        }

        var topic = new TopicMetadata(stored, Guid.NewGuid(), spec.Partitions, spec.ReplicationFactor, new Dictionary<string, string>(spec.Configs, StringComparer.Ordinal));
        if (await _store.CreateTopicAsync(topic, ct).ConfigureAwait(false) == CreateTopicOutcome.AlreadyExists)
        {
            // A concurrent create of the same name won: identical specs make this one a retry of it.
            var winner = await _store.GetTopicAsync(stored, ct).ConfigureAwait(false)
                ?? throw new TopicAdministrationException(TopicErrorKind.Conflict, $"Topic {name} was created and deleted concurrently; try again");
            return await ExistingAsync(name, winner, spec, ct).ConfigureAwait(false);
        }
        return new TopicCreation(true, await AwaitLeadersAsync(name, topic, ct).ConfigureAwait(false));
    }

    /// <summary>The tenant's topics in name order, <paramref name="limit"/> at a time, starting after the name <paramref name="after"/>.</summary>
    public async Task<TopicPage> ListAsync(string tenantId, int limit, string? after, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        var tenant = await TenantAsync(tenantId, ct).ConfigureAwait(false);
        var page = new List<TopicView>(Math.Min(limit, 64));
        string? next = null;
        // The store lists in stored-name order; one prefix keeps the tenant's names in the same order.
        foreach (var topic in await ListStoredAsync(ct).ConfigureAwait(false))
        {
            if (!tenant.TryToClient(topic.Name, out var name)) continue;
            if (after is not null && string.CompareOrdinal(name, after) <= 0) continue;
            if (page.Count == limit)
            {
                next = page[^1].Name;
                break;
            }
            page.Add(TopicView.From(name, topic));
        }
        return new TopicPage(page, next);
    }

    /// <summary>The topic with its partitions' leaders, replicas and ISRs, and whether every partition has a leader yet.</summary>
    public async Task<TopicView> GetAsync(string tenantId, string name, CancellationToken ct)
    {
        var tenant = await TenantAsync(tenantId, ct).ConfigureAwait(false);
        var topic = await RequiredTopicAsync(tenant, name, ct).ConfigureAwait(false);
        return await WithPartitionsAsync(name, topic, ct).ConfigureAwait(false);
    }

    /// <summary>Grows the topic to <paramref name="count"/> partitions (Kafka's CreatePartitions: the new total, never fewer).</summary>
    public async Task<TopicView> AddPartitionsAsync(string tenantId, string name, int count, string? ifMatch, CancellationToken ct)
    {
        var tenant = await WritableTenantAsync(tenantId, ct).ConfigureAwait(false);
        var current = await RequiredTopicAsync(tenant, name, ct).ConfigureAwait(false);
        CheckPrecondition(name, ifMatch, current);
        if (count < current.PartitionCount)
            throw Invalid($"Topic currently has {current.PartitionCount} partitions, which is higher than the requested {count}.");
        if (count == current.PartitionCount)
            throw Invalid($"Topic already has {current.PartitionCount} partitions.");
        if (tenant.Limits.MaxPartitions is not null)
        {
            var (_, partitions) = Usage(tenant, await ListStoredAsync(ct).ConfigureAwait(false));
            if (TenantTopicLimitRules.AddPartitionsProblem(tenant.Id, tenant.Limits, partitions, count - current.PartitionCount) is { } limitProblem)
                throw new TopicAdministrationException(TopicErrorKind.LimitExceeded, limitProblem);
        }
        var result = await _store.UpdateTopicAsync(current.Name, t =>
            t.TopicId != current.TopicId || t.PartitionCount != current.PartitionCount || !TopicETag.Matches(ifMatch, TopicView.From(name, t))
                ? null
                : t with { PartitionCount = count }, ct).ConfigureAwait(false);
        return result switch
        {
            UpdateOutcome.NotFound => throw NotFound(tenant, name),
            UpdateOutcome.Unchanged => throw new TopicAdministrationException(ifMatch is null ? TopicErrorKind.Conflict : TopicErrorKind.PreconditionFailed,
                $"Topic {name} changed while its partitions were being added; read it again and retry"),
            _ => await GetAsync(tenantId, name, ct).ConfigureAwait(false),
        };
    }

    /// <summary>Replaces the topic's config overrides with <paramref name="configs"/> (an empty set restores every default).</summary>
    public async Task<TopicView> SetConfigsAsync(string tenantId, string name, IReadOnlyDictionary<string, string> configs, string? ifMatch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(configs);
        var tenant = await WritableTenantAsync(tenantId, ct).ConfigureAwait(false);
        ValidateName(tenant, name);
        if (TopicConfigRules.Validate(configs) is { } problem) throw Invalid(problem);
        var replacement = new Dictionary<string, string>(configs, StringComparer.Ordinal);
        TopicAdministrationException? refusal = null;
        var result = await _store.UpdateTopicAsync(tenant.ToStored(name), t =>
        {
            refusal = TopicETag.Matches(ifMatch, TopicView.From(name, t)) ? null : Stale(name, ifMatch, TopicView.From(name, t));
            return refusal is null ? t with { Configs = replacement } : null;
        }, ct).ConfigureAwait(false);
        if (result == UpdateOutcome.NotFound) throw NotFound(tenant, name);
        if (refusal is not null) throw refusal;
        return await GetAsync(tenantId, name, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes the topic as the broker's DeleteTopics does in the store: only the incarnation read here (its topic
    /// id), with the tombstone that makes every broker remove the topic's local logs.
    /// </summary>
    public async Task DeleteAsync(string tenantId, string name, string? ifMatch, CancellationToken ct)
    {
        var tenant = await TenantAsync(tenantId, ct).ConfigureAwait(false);
        var current = await RequiredTopicAsync(tenant, name, ct).ConfigureAwait(false);
        CheckPrecondition(name, ifMatch, current);
        if (!await _store.DeleteTopicAsync(current.Name, current.TopicId, ct).ConfigureAwait(false))
            throw NotFound(tenant, name);
    }

    private async Task<TopicCreation> ExistingAsync(string name, TopicMetadata existing, TopicSpec spec, CancellationToken ct)
    {
        var view = await WithPartitionsAsync(name, existing, ct).ConfigureAwait(false);
        if (!spec.Describes(view))
        {
            throw new TopicAdministrationException(TopicErrorKind.AlreadyExists,
                $"Topic {name} already exists with {view.Partitions} partition(s), replication factor {view.ReplicationFactor} and {view.Configs.Count} config override(s); " +
                "change partitions with POST .../partitions and configs with PUT .../configs, or delete it first");
        }
        return new TopicCreation(false, view.State == TopicState.Ready ? view : await AwaitLeadersAsync(name, existing, ct).ConfigureAwait(false));
    }

    /// <summary>Polls the topic's partition rows until every partition has a leader or the leader wait is over.</summary>
    private async Task<TopicView> AwaitLeadersAsync(string name, TopicMetadata topic, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            var view = await WithPartitionsAsync(name, topic, ct).ConfigureAwait(false);
            if (view.State == TopicState.Ready) return view;
            var left = _leaderWait - _time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero) return view;
            await Task.Delay(left < LeaderPollInterval ? left : LeaderPollInterval, _time, ct).ConfigureAwait(false);
        }
    }

    private async Task<TopicView> WithPartitionsAsync(string name, TopicMetadata topic, CancellationToken ct) =>
        TopicView.From(name, topic, await _store.ListTopicPartitionStatesAsync(topic.Name, ct).ConfigureAwait(false));

    private async Task<TopicMetadata> RequiredTopicAsync(TenantScope tenant, string name, CancellationToken ct)
    {
        ValidateName(tenant, name);
        return await _store.GetTopicAsync(tenant.ToStored(name), ct).ConfigureAwait(false) ?? throw NotFound(tenant, name);
    }

    private static void CheckPrecondition(string name, string? ifMatch, TopicMetadata current)
    {
        var view = TopicView.From(name, current);
        if (!TopicETag.Matches(ifMatch, view)) throw Stale(name, ifMatch, view);
    }

    private static TopicAdministrationException Stale(string name, string? ifMatch, TopicView current) =>
        new(TopicErrorKind.PreconditionFailed, $"Topic {name} has changed: its ETag is now {TopicETag.Of(current)}, not {ifMatch}; read it again and retry with the new ETag");

    /// <summary>All topics; an empty list when the metadata table does not exist yet (no broker has formed the cluster).</summary>
    private async Task<IReadOnlyList<TopicMetadata>> ListStoredAsync(CancellationToken ct)
    {
        try
        {
            return await _store.ListTopicsAsync(ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return [];
        }
    }

    /// <summary>Registered brokers, live or not, as the broker counts them for the replication factor.</summary>
    private async Task<int> ListBrokersAsync(CancellationToken ct)
    {
        try
        {
            return (await _store.ListBrokersAsync(ct).ConfigureAwait(false)).Count;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return 0;
        }
    }

    private static (int Topics, long Partitions) Usage(TenantScope tenant, IReadOnlyList<TopicMetadata> all)
    {
        var topics = 0;
        var partitions = 0L;
        foreach (var topic in all)
        {
            if (!tenant.Owns(topic.Name)) continue;
            topics++;
            partitions += topic.PartitionCount;
        }
        return (topics, partitions);
    }

    private async Task<TenantScope> TenantAsync(string tenantId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        if (TenantNamespace.IdProblem(tenantId) is { } problem) throw Invalid(problem);
        var tenant = await _tenants.GetAsync(tenantId, ct).ConfigureAwait(false)
            ?? throw new TopicAdministrationException(TopicErrorKind.NotFound, $"Tenant {tenantId} does not exist");
        return new TenantScope(tenant);
    }

    /// <summary>A tenant being deleted gets no new topics: the reaper could miss one made after its pass.</summary>
    private async Task<TenantScope> WritableTenantAsync(string tenantId, CancellationToken ct)
    {
        var tenant = await TenantAsync(tenantId, ct).ConfigureAwait(false);
        if (tenant.Tenant.State == TenantState.Deleting)
            throw new TopicAdministrationException(TopicErrorKind.Conflict, $"Tenant {tenantId} is being deleted; its topics cannot change");
        return tenant;
    }

    private static void ValidateName(TenantScope tenant, string name)
    {
        if (TopicNames.Problem(name, tenant.MaxTopicNameLength) is { } problem) throw Invalid(problem);
    }

    private static TopicAdministrationException Invalid(string message) => new(TopicErrorKind.Invalid, message);

    private static TopicAdministrationException NotFound(TenantScope tenant, string name) =>
        new(TopicErrorKind.NotFound, $"Topic {name} of tenant {tenant.Id} does not exist");
}

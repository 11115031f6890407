using Azure.Data.Tables;
using Fjord.Broker.Configuration;
using Fjord.Broker.Fetch;
using Fjord.Broker.Membership;
using Fjord.Broker.Network;
using Fjord.Broker.Security;
using Fjord.Protocol;
using Fjord.Security.Quotas;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Quotas;

/// <summary>
/// The client quotas of one broker: the quota store and its cache, one <see cref="ClientQuotaManager"/> per quota
/// (producer_byte_rate, consumer_byte_rate, request_percentage, controller_mutation_rate) and the per-IP
/// connection_creation_rate, and the hook every handler reports its requests to. What a request counts for:
/// a Produce its request bytes (acks=0 too), a client's Fetch its response's record bytes (a follower's fetch is
/// exempt), every request but ApiVersions and the SASL exchange the time its handler worked on it. A throttled
/// client gets throttle_time_ms in its response at once, and its connection reads nothing more for that long.
/// </summary>
public sealed class BrokerQuotas : IRequestQuotas, IAsyncDisposable
{
    private readonly TimeProvider _time;

    /// <param name="store">Where AlterClientQuotas writes and DescribeClientQuotas reads.</param>
    /// <param name="cache">The quotas in force (null: a snapshot of nothing, for handler tests).</param>
    /// <param name="liveBrokers">How many brokers share a tenant's cap; the metadata cache's live brokers.</param>
    public BrokerQuotas(IClientQuotaStore store, ClientQuotaCache? cache, QuotaConfig config, Func<int> liveBrokers, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(loggers);
        Store = store;
        Cache = cache;
        _time = time;
        Func<ClientQuotaSnapshot> snapshot = cache is null ? () => ClientQuotaSnapshot.Empty : () => cache.Snapshot;
        var window = TimeSpan.FromSeconds(config.WindowSizeSeconds);
        var managerLogger = loggers.CreateLogger<ClientQuotaManager>();
        Produce = new ClientQuotaManager(ClientQuotaKeys.ProducerByteRate, snapshot, config.WindowNum, window, liveBrokers, time, managerLogger);
        Fetch = new ClientQuotaManager(ClientQuotaKeys.ConsumerByteRate, snapshot, config.WindowNum, window, liveBrokers, time, managerLogger);
        Request = new ClientQuotaManager(ClientQuotaKeys.RequestPercentage, snapshot, config.WindowNum, window, liveBrokers, time, managerLogger);
        ControllerMutation = new ClientQuotaManager(ClientQuotaKeys.ControllerMutationRate, snapshot, config.ControllerWindowNum,
            TimeSpan.FromSeconds(config.ControllerWindowSizeSeconds), liveBrokers, time, managerLogger);
        Connections = new ConnectionCreationQuota(snapshot, config.WindowNum, window, time);
    }

    public IClientQuotaStore Store { get; }
    public ClientQuotaCache? Cache { get; }
    public ClientQuotaManager Produce { get; }
    public ClientQuotaManager Fetch { get; }
    public ClientQuotaManager Request { get; }
    public ClientQuotaManager ControllerMutation { get; }
    public ConnectionCreationQuota Connections { get; }

    /// <summary>
    /// Opens the quota table (fjord.quota.table, default fjordquotas), loads it and polls it every
    /// fjord.security.poll.interval.ms, so a quota altered on any broker applies on every broker within about that.
    /// </summary>
    public static async Task<BrokerQuotas> StartAsync(BrokerConfig config, TableServiceClient tables, StoreAvailability availability, Func<int> liveBrokers,
        TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(availability);
        ArgumentNullException.ThrowIfNull(loggers);
        var quotaConfig = QuotaConfig.From(config);
        var tableName = config.Get("fjord.quota.table") ?? TableClientQuotaStore.DefaultTableName;
        var store = new TableClientQuotaStore(tables, tableName);
        await availability.UntilAvailableAsync($"the client quota table {tableName}", store.InitializeAsync, ct);
        var cache = new ClientQuotaCache(store, new SecurityConfig(config).PollInterval, time, loggers.CreateLogger<ClientQuotaCache>());
        await availability.UntilAvailableAsync("the client quotas", cache.StartAsync, ct);
        return new BrokerQuotas(store, cache, quotaConfig, liveBrokers, time, loggers);
    }

    /// <summary>Has every handler report its requests here.</summary>
    public void Attach(IEnumerable<ApiHandler> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        foreach (var handler in handlers) handler.Quotas = this;
    }

    /// <summary>Every client this broker holds to a quota (or one tenant's, one user's): rates against quotas, throttles, per quota.</summary>
    public IReadOnlyList<QuotaUsage> Usage(string? tenant = null, string? user = null) =>
        [.. Produce.Usage(tenant, user), .. Fetch.Usage(tenant, user), .. Request.Usage(tenant, user), .. ControllerMutation.Usage(tenant, user)];

    long IRequestQuotas.Timestamp() => _time.GetTimestamp();

    IKafkaMessage? IRequestQuotas.Refuse(RequestContext context, IKafkaMessage request) =>
        context.ApiKey is ApiKey.CreateTopics or ApiKey.CreatePartitions or ApiKey.DeleteTopics
            ? ControllerMutationQuota.Refuse(ControllerMutation, context, request, context.Session.Tenant?.Id, context.Session.Principal.Name, context.ClientId ?? "")
            : null;

    int IRequestQuotas.Record(RequestContext context, IKafkaMessage request, IKafkaMessage? response, int requestBytes, long started, long waited)
    {
        if (context.ApiKey is ApiKey.ApiVersions or ApiKey.SaslHandshake or ApiKey.SaslAuthenticate) return 0;
        var session = context.Session;
        var tenant = session.Tenant?.Id;
        var user = session.Principal.Name;
        var clientId = context.ClientId ?? "";

        var worked = _time.GetElapsedTime(started).TotalSeconds - (double)waited / _time.TimestampFrequency;
        // request_percentage counts time as a percentage of one thread: a second of work is 100 (KIP-124).
        var throttle = Request.RecordAndGetThrottleTimeMs(tenant, user, clientId, Math.Max(0, worked) * 100);
        switch (context.ApiKey)
        {
            case ApiKey.Produce:
                throttle = Math.Max(throttle, Produce.RecordAndGetThrottleTimeMs(tenant, user, clientId, requestBytes));
                break;
            case ApiKey.Fetch when response is FetchResponse fetch && request is FetchRequest fetchRequest && !IsFromFollower(fetchRequest, context.ApiVersion):
                var bytes = RecordBytes(fetch);
                throttle = Math.Max(throttle, Fetch.RecordAndGetThrottleTimeMs(tenant, user, clientId, bytes));
                if (throttle > 0 && bytes > 0)
                {
                    // Kafka's way: a throttled fetch is answered without records, which then do not count either.
                    Fetch.Unrecord(tenant, user, clientId, bytes);
                    DropRecords(fetch);
                }
                break;
            case ApiKey.CreateTopics or ApiKey.CreatePartitions or ApiKey.DeleteTopics when response is not null:
                throttle = Math.Max(throttle, ControllerMutationQuota.Record(ControllerMutation, context, request, response, tenant, user, clientId));
                break;
        }
        if (throttle > 0)
            session.MutedUntil = _time.GetTimestamp() + (long)(throttle * (_time.TimestampFrequency / 1000d));
        return throttle;
    }

    private static bool IsFromFollower(FetchRequest request, short version) => (version >= 15 ? request.ReplicaState.ReplicaId : request.ReplicaId) >= 0;

    private static long RecordBytes(FetchResponse response)
    {
        long bytes = 0;
        foreach (var topic in response.Responses)
            foreach (var partition in topic.Partitions)
                bytes += partition.Records?.Length ?? 0;
        return bytes;
    }

    private static void DropRecords(FetchResponse response)
    {
        foreach (var topic in response.Responses)
        {
            foreach (var partition in topic.Partitions)
            {
                if (partition.Records is not { } records) continue;
                FetchPartitionData.Release(records);
                partition.Records = ReadOnlyMemory<byte>.Empty;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Cache is not null) await Cache.DisposeAsync();
    }
}

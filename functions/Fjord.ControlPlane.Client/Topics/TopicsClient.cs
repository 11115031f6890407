using System.Net;
using System.Runtime.CompilerServices;

namespace Fjord.ControlPlane.Client.Topics;

/// <summary>
/// <c>/api/v1/tenants/{tenant}/topics</c>: a tenant's topics in its own names. List (paged), get, create (idempotent
/// PUT; 202 while the controller elects leaders, followed with <see cref="WaitUntilReadyAsync"/>), add partitions,
/// read and replace configs, delete. Writes take an optional <c>ifMatch</c> (a <see cref="TopicModel.ETag"/>); a stale
/// one is refused with 412.
/// </summary>
public sealed class TopicsClient
{
    private readonly ControlPlaneClient _client;

    public TopicsClient(ControlPlaneClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    public static string CollectionRoute(string tenant) => new RouteBuilder("v1/tenants").Segment(tenant).ToString() + "/topics";

    public static string ItemRoute(string tenant, string topic) => new RouteBuilder(CollectionRoute(tenant)).Segment(topic).ToString();

    /// <summary>One page; pass the previous page's <see cref="TopicPageModel.Next"/> as <paramref name="continuation"/>.</summary>
    public async Task<TopicPageModel> ListPageAsync(string tenant, int? limit = null, string? continuation = null, CancellationToken ct = default)
    {
        var route = new RouteBuilder(CollectionRoute(tenant)).Query("limit", limit).Query("continuation", continuation).ToString();
        return (await _client.SendForValueAsync<TopicPageModel>(HttpMethod.Get, route, null, null, ct).ConfigureAwait(false)).Value;
    }

    /// <summary>Every topic of the tenant, page after page.</summary>
    public async IAsyncEnumerable<TopicModel> ListAllAsync(string tenant, int? pageSize = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        string? continuation = null;
        do
        {
            var page = await ListPageAsync(tenant, pageSize, continuation, ct).ConfigureAwait(false);
            foreach (var topic in page.Items) yield return topic;
            continuation = page.Next;
        }
        while (continuation is not null);
    }

    /// <returns>The topic with its state, partitions and ETag, or null when the tenant has no such topic.</returns>
    public Task<TopicModel?> GetAsync(string tenant, string topic, CancellationToken ct = default) => GetAtAsync(ItemRoute(tenant, topic), ct);

    /// <summary>
    /// Creates the topic. The answer comes once every partition has a leader (<see cref="CreatedTopicModel.Ready"/>),
    /// or earlier with the topic still creating: then follow it with <see cref="WaitUntilReadyAsync"/>. The same topic
    /// again is not an error (<see cref="CreatedTopicModel.Created"/> false); a different one is a 409.
    /// </summary>
    public async Task<CreatedTopicModel> CreateAsync(string tenant, string topic, int partitions, short replicationFactor,
        IReadOnlyDictionary<string, string>? configs = null, CancellationToken ct = default)
    {
        var route = ItemRoute(tenant, topic);
        var body = new CreateBody(partitions, replicationFactor, configs);
        var response = await _client.SendForValueAsync<TopicModel>(HttpMethod.Put, route, body, null, ct).ConfigureAwait(false);
        var created = response.Status is HttpStatusCode.Created or HttpStatusCode.Accepted;
        return new CreatedTopicModel(response.Value with { ETag = response.ETag }, created, response.Location ?? route);
    }

    /// <summary>
    /// Polls <paramref name="statusLocation"/> (a <see cref="CreatedTopicModel.StatusLocation"/>) until the topic is
    /// ready or <paramref name="timeout"/> passes, telling <paramref name="progress"/> what each poll saw (every
    /// <paramref name="pollInterval"/>, default half a second).
    /// </summary>
    /// <returns>The topic, ready, or as it was at the deadline (check <see cref="TopicModel.State"/>).</returns>
    /// <exception cref="ControlPlaneException">404 when the topic was deleted meanwhile.</exception>
    public async Task<TopicModel> WaitUntilReadyAsync(string statusLocation, TimeSpan timeout, IProgress<TopicModel>? progress = null,
        TimeSpan? pollInterval = null, TimeProvider? time = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(statusLocation);
        time ??= TimeProvider.System;
        var interval = pollInterval ?? TimeSpan.FromMilliseconds(500);
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            var topic = await GetAtAsync(statusLocation, ct).ConfigureAwait(false)
                ?? throw new ControlPlaneException(404, "Not Found", $"The topic at {statusLocation} is gone: it was deleted while its leaders were being elected");
            progress?.Report(topic);
            var left = deadline - time.GetUtcNow();
            if (topic.State == TopicStatus.Ready || left <= TimeSpan.Zero) return topic;
            await Task.Delay(left < interval ? left : interval, time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Grows the topic to <paramref name="count"/> partitions in all (Kafka's CreatePartitions takes the new total).</summary>
    public Task<TopicModel> AddPartitionsAsync(string tenant, string topic, int count, string? ifMatch = null, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, ItemRoute(tenant, topic) + "/partitions", new PartitionsBody(count), ifMatch, ct);

    /// <summary>The configs set on the topic (overrides of the broker defaults), in Kafka's names.</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetConfigsAsync(string tenant, string topic, CancellationToken ct = default)
    {
        var response = await _client.SendForValueAsync<ConfigsBody>(HttpMethod.Get, ItemRoute(tenant, topic) + "/configs", null, null, ct).ConfigureAwait(false);
        return response.Value.Configs;
    }

    /// <summary>Replaces every config override of the topic: one left out returns to the broker default.</summary>
    public Task<TopicModel> SetConfigsAsync(string tenant, string topic, IReadOnlyDictionary<string, string> configs, string? ifMatch = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(configs);
        return SendAsync(HttpMethod.Put, ItemRoute(tenant, topic) + "/configs", new ConfigsBody(configs), ifMatch, ct);
    }

    /// <summary>Deletes the topic; the brokers then remove its partitions.</summary>
    /// <returns>True when it was deleted; false when there was no such topic (a retried delete).</returns>
    public async Task<bool> DeleteAsync(string tenant, string topic, string? ifMatch = null, CancellationToken ct = default)
    {
        var response = await _client.SendAsync<object>(HttpMethod.Delete, ItemRoute(tenant, topic), null, ifMatch, [HttpStatusCode.NoContent, HttpStatusCode.NotFound], ct).ConfigureAwait(false);
        return response.Status == HttpStatusCode.NoContent;
    }

    private async Task<TopicModel?> GetAtAsync(string route, CancellationToken ct)
    {
        var response = await _client.SendAsync<TopicModel>(HttpMethod.Get, route, null, null, [HttpStatusCode.OK, HttpStatusCode.NotFound], ct).ConfigureAwait(false);
        return response.Value is { } topic ? topic with { ETag = response.ETag } : null;
    }

    private async Task<TopicModel> SendAsync(HttpMethod method, string route, object body, string? ifMatch, CancellationToken ct)
    {
        var response = await _client.SendForValueAsync<TopicModel>(method, route, body, ifMatch, ct).ConfigureAwait(false);
        return response.Value with { ETag = response.ETag };
    }

    /// <summary>The PUT body; the server refuses unknown fields, so these name exactly the server's.</summary>
    private sealed record CreateBody(int Partitions, short ReplicationFactor, IReadOnlyDictionary<string, string>? Configs);

    private sealed record PartitionsBody(int Count);

    private sealed record ConfigsBody(IReadOnlyDictionary<string, string> Configs);
}

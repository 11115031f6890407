using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Fjord.Cluster;
using Fjord.ControlPlane.ApiKeys;
using Fjord.ControlPlane.Topics;
using Fjord.Functions.Http;
using Fjord.Functions.OpenApi;
using Fjord.Security.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Fjord.Functions.Topics;

/// <summary>
/// <c>/api/v1/tenants/{tenant}/topics</c>: a tenant's topics under its own names (the API never shows the stored
/// <c>tenant.</c> prefix). List (paginated), get (with each partition's leader, replicas and ISR), create
/// (idempotent PUT), add partitions, read and replace configs, delete. Rights: operator keys on any tenant; a
/// tenant-scoped key reads and writes its own tenant's topics (what the tenant's admin may do over Kafka anyway),
/// never another tenant's. Requests are validated with the broker's own rules: Kafka's topic names within the
/// tenant's shorter bound, partitions ≥ 1, a replication factor the registered brokers can hold, the topic configs
/// CreateTopics accepts (including <c>remote.storage.enable</c>), and the tenant's topic and partition limits.
/// </summary>
/// <remarks>
/// PUT answers 201 once every partition has a leader, or 202 (<c>"state": "creating"</c>) with <c>Location</c> =
/// the topic's URL when the controller has not elected them within the wait; GET there shows
/// <c>creating</c> or <c>ready</c>. The same PUT again is 200; a PUT with other partitions, replication factor or
/// configs is 409. Every answer with one topic carries its <c>ETag</c> (topic id, partition count, replication
/// factor, configs); PUT, POST partitions, PUT configs and DELETE honour <c>If-Match</c> (412 when stale), and PUT
/// honours <c>If-None-Match: *</c>. DELETE answers 204; the brokers then remove the topic's logs.
/// </remarks>
public sealed class TopicFunctions(ApiRequests api, TopicAdministration topics)
{
    public const string CollectionRoute = "v1/tenants/{tenant}/topics";
    public const string ItemRoute = CollectionRoute + "/{topic}";

    private const string PathPrefix = "/api/";

    [Function("ListTopics")]
    [ApiQuery("limit", typeof(int), "Page size, 1 to 1000 (default 100)")]
    [ApiQuery("continuation", typeof(string), "The next of the previous page")]
    [ApiResponse(200, typeof(TopicResourcePage), "A page of the tenant's topics, in its own names")]
    public Task<IActionResult> ListTopics([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = CollectionRoute)] HttpRequest request, string tenant) =>
        RunAsync(request, tenant, async (_, ct) =>
        {
            var limit = Paging.PageSize(request.Query["limit"]);
            var after = Paging.Continuation(request.Query["continuation"], name => TopicNames.Problem(name) is null);
            var page = await topics.ListAsync(tenant, limit, after, ct).ConfigureAwait(false);
            var next = page.After is null ? null : Paging.NextToken(page.After);
            return ApiResult.Ok(new TopicResourcePage([.. page.Items.Select(TopicResource.From)], next));
        });

    [Function("GetTopic")]
    [ApiResponse(200, typeof(TopicResource), "The topic with its partitions' leaders, replicas and ISR")]
    public Task<IActionResult> GetTopic([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ItemRoute)] HttpRequest request, string tenant, string topic) =>
        RunAsync(request, tenant, async (_, ct) =>
        {
            var found = await topics.GetAsync(tenant, topic, ct).ConfigureAwait(false);
            return ApiResult.Ok(TopicResource.From(found), TopicETag.Of(found));
        });

    /// <summary>Creates the topic: 201 when its leaders are elected, 202 while they are not; 200 when an identical topic exists, 409 when a different one does.</summary>
    [Function("PutTopic")]
    [ApiRequestBody(typeof(CreateTopicBody))]
    [ApiResponse(201, typeof(TopicResource), "Created: every partition has a leader")]
    [ApiResponse(202, typeof(TopicResource), "Created, leaders not elected yet: GET the Location until state is ready")]
    [ApiResponse(200, typeof(TopicResource), "The same topic existed already")]
    public Task<IActionResult> PutTopic([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = ItemRoute)] HttpRequest request, string tenant, string topic) =>
        RunAsync(request, tenant, async (_, ct) =>
        {
            var body = await ApiRequests.ReadBodyAsync<CreateTopicBody>(request, ct).ConfigureAwait(false);
            var spec = new TopicSpec(body.Partitions, body.ReplicationFactor, body.Configs ?? new Dictionary<string, string>());
            var ifMatch = ApiRequests.IfMatch(request);
            var noneMatchAny = IsNoneMatchAny(request);
            if (ifMatch is not null || noneMatchAny)
                await CheckCreatePreconditionsAsync(tenant, topic, ifMatch, noneMatchAny, ct).ConfigureAwait(false);
            var result = await topics.CreateAsync(tenant, topic, spec, ct).ConfigureAwait(false);
            var resource = TopicResource.From(result.Topic);
            var etag = TopicETag.Of(result.Topic);
            if (!result.Created) return ApiResult.Ok(resource, etag);
            return result.Topic.State == TopicState.Ready
                ? ApiResult.Created(resource, etag, Location(tenant, topic))
                : ApiResult.Accepted(resource, etag, Location(tenant, topic));
        });

    [Function("DeleteTopic")]
    [ApiResponse(204, null, "Deleted: the brokers remove its data")]
    public Task<IActionResult> DeleteTopic([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = ItemRoute)] HttpRequest request, string tenant, string topic) =>
        RunAsync(request, tenant, async (_, ct) =>
        {
            await topics.DeleteAsync(tenant, topic, ApiRequests.IfMatch(request), ct).ConfigureAwait(false);
            return ApiResult.NoContent();
        });

    [Function("GetTopicPartitions")]
    [ApiResponse(200, typeof(IReadOnlyList<TopicPartitionView>), "Each partition's leader, epoch, replicas and ISR")]
    public Task<IActionResult> GetTopicPartitions([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ItemRoute + "/partitions")] HttpRequest request, string tenant, string topic) =>
        RunAsync(request, tenant, async (_, ct) =>
        {
            var found = await topics.GetAsync(tenant, topic, ct).ConfigureAwait(false);
            return ApiResult.Ok(found.PartitionStates ?? Array.Empty<TopicPartitionView>(), TopicETag.Of(found));
        });

    /// <summary>Grows the topic to <c>count</c> partitions; fewer or equal is 422, past the tenant's limit 409.</summary>
    [Function("AddTopicPartitions")]
    [ApiRequestBody(typeof(AddPartitionsBody))]
    [ApiResponse(200, typeof(TopicResource), "The topic with its new partition count")]
    public Task<IActionResult> AddTopicPartitions([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ItemRoute + "/partitions")] HttpRequest request, string tenant, string topic) =>
        RunAsync(request, tenant, async (_, ct) =>
        {
            var body = await ApiRequests.ReadBodyAsync<AddPartitionsBody>(request, ct).ConfigureAwait(false);
            var updated = await topics.AddPartitionsAsync(tenant, topic, body.Count, ApiRequests.IfMatch(request), ct).ConfigureAwait(false);
            return ApiResult.Ok(TopicResource.From(updated), TopicETag.Of(updated));
        });

    [Function("GetTopicConfigs")]
    [ApiResponse(200, typeof(TopicConfigsBody), "The topic's configs set on it (Kafka's names)")]
    public Task<IActionResult> GetTopicConfigs([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ItemRoute + "/configs")] HttpRequest request, string tenant, string topic) =>
        RunAsync(request, tenant, async (_, ct) =>
        {
            var found = await topics.GetAsync(tenant, topic, ct).ConfigureAwait(false);
            return ApiResult.Ok(new TopicConfigsBody(found.Configs), TopicETag.Of(found));
        });

    /// <summary>Replaces the topic's config overrides (PUT semantics: a config left out returns to the broker default).</summary>
    [Function("PutTopicConfigs")]
    [ApiRequestBody(typeof(TopicConfigsBody))]
    [ApiResponse(200, typeof(TopicResource), "The configs replaced")]
    public Task<IActionResult> PutTopicConfigs([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = ItemRoute + "/configs")] HttpRequest request, string tenant, string topic) =>
        RunAsync(request, tenant, async (_, ct) =>
        {
            var body = await ApiRequests.ReadBodyAsync<TopicConfigsBody>(request, ct).ConfigureAwait(false);
            var updated = await topics.SetConfigsAsync(tenant, topic, body.Configs, ApiRequests.IfMatch(request), ct).ConfigureAwait(false);
            return ApiResult.Ok(TopicResource.From(updated), TopicETag.Of(updated));
        });

    public static int StatusOf(TopicErrorKind kind) => kind switch
    {
        TopicErrorKind.Invalid => StatusCodes.Status422UnprocessableEntity,
        TopicErrorKind.NotFound => StatusCodes.Status404NotFound,
        TopicErrorKind.AlreadyExists or TopicErrorKind.Conflict or TopicErrorKind.LimitExceeded => StatusCodes.Status409Conflict,
        TopicErrorKind.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        _ => StatusCodes.Status400BadRequest,
    };

    /// <summary>The tenant id and the caller's right to it first, then the operation; the library's refusals become problem+json.</summary>
    private Task<IActionResult> RunAsync(HttpRequest request, string tenant, Func<ApiKeyPrincipal, CancellationToken, Task<IActionResult>> handle) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            if (TenantNamespace.IdProblem(tenant) is { } problem) throw ApiProblemException.BadRequest(problem);
            ApiRequests.RequireAccess(caller, tenant);
            try
            {
                return await handle(caller, ct).ConfigureAwait(false);
            }
            catch (TopicAdministrationException e)
            {
                throw new ApiProblemException(StatusOf(e.Kind), e.Message);
            }
        });

    private async Task CheckCreatePreconditionsAsync(string tenant, string topic, string? ifMatch, bool noneMatchAny, CancellationToken ct)
    {
        TopicView? existing;
        try
        {
            existing = await topics.GetAsync(tenant, topic, ct).ConfigureAwait(false);
        }
        catch (TopicAdministrationException e) when (e.Kind == TopicErrorKind.NotFound)
        {
            existing = null;
        }
        if (existing is null && ifMatch is not null)
            throw new ApiProblemException(StatusCodes.Status412PreconditionFailed, $"Topic {topic} does not exist, so no If-Match can match it; send the PUT without If-Match to create it");
        if (existing is not null && !TopicETag.Matches(ifMatch, existing))
            throw new ApiProblemException(StatusCodes.Status412PreconditionFailed, $"Topic {topic} has changed: its ETag is now {TopicETag.Of(existing)}, not {ifMatch}");
        if (existing is not null && noneMatchAny)
            throw new ApiProblemException(StatusCodes.Status412PreconditionFailed, $"Topic {topic} exists already, and If-None-Match: * asked to create it only if it did not");
    }

    private static string Location(string tenant, string topic) => PathPrefix + "v1/tenants/" + tenant + "/topics/" + topic;

    private static bool IsNoneMatchAny(HttpRequest request) => request.Headers.IfNoneMatch.Any(v => v?.Trim() == "*");

}

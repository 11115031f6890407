using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Fjord.ControlPlane.Client.Acls;
using Fjord.ControlPlane.Client.ApiKeys;
using Fjord.ControlPlane.Client.Certificates;
using Fjord.ControlPlane.Client.Cluster;
using Fjord.ControlPlane.Client.Groups;
using Fjord.ControlPlane.Client.Tenants;
using Fjord.ControlPlane.Client.Topics;
using Fjord.ControlPlane.Client.Usage;
using Fjord.ControlPlane.Client.Users;

namespace Fjord.ControlPlane.Client;

/// <summary>
/// A typed client of the control plane's HTTP API, authenticated with a bearer API key. Each resource has its own
/// client over this one's <see cref="SendAsync{T}"/> (tenants, cluster, topics, users, ACLs, API keys; one folder
/// each). Refusals arrive as <see cref="ControlPlaneException"/>; an unreachable control plane as
/// <see cref="HttpRequestException"/>.
/// </summary>
public sealed class ControlPlaneClient : IDisposable
{
    /// <summary>The prefix the Functions host (host.json's routePrefix) and the local host serve the API under.</summary>
    public const string RoutePrefix = "api/";

    private const string ProblemMediaType = "application/problem+json";

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly AuthenticationHeaderValue _authorization;

    /// <param name="apiUrl">The control plane's root, e.g. <c>https://fjord-cp.azurewebsites.net</c>; the API is under <c>/api/</c>.</param>
    /// <param name="apiKey">An operator or tenant key, <c>fjk.&lt;id&gt;.&lt;secret&gt;</c>.</param>
    public ControlPlaneClient(Uri apiUrl, string apiKey, HttpMessageHandler? handler = null)
        : this(new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: true) { Timeout = TimeSpan.FromSeconds(100) }, apiUrl, apiKey, ownsHttp: true)
    {
    }

    /// <summary>Uses <paramref name="http"/> (not disposed with this client) with requests relative to <paramref name="apiUrl"/>.</summary>
    public ControlPlaneClient(HttpClient http, Uri apiUrl, string apiKey)
        : this(http, apiUrl, apiKey, ownsHttp: false)
    {
    }

    private ControlPlaneClient(HttpClient http, Uri apiUrl, string apiKey, bool ownsHttp)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(apiUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        if (!apiUrl.IsAbsoluteUri || (apiUrl.Scheme != Uri.UriSchemeHttp && apiUrl.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"The control plane's URL must be an absolute http(s) URL, not '{apiUrl}'", nameof(apiUrl));
        _http = http;
        _ownsHttp = ownsHttp;
        // Relative paths resolve under the root's path, so a control plane behind a path prefix works too.
        var root = apiUrl.AbsoluteUri.EndsWith('/') ? apiUrl.AbsoluteUri : apiUrl.AbsoluteUri + "/";
        ApiBase = new Uri(new Uri(root), RoutePrefix);
        _authorization = new AuthenticationHeaderValue("Bearer", apiKey.Trim());
        Tenants = new TenantsClient(this);
        Cluster = new ClusterClient(this);
        Topics = new TopicsClient(this);
        Users = new UsersClient(this);
        Acls = new AclsClient(this);
        ApiKeys = new ApiKeysClient(this);
        Groups = new GroupsClient(this);
        Certificates = new CertificatesClient(this);
        Usage = new UsageClient(this);
    }

    /// <summary>Where the API's routes start (the root plus <c>api/</c>).</summary>
    public Uri ApiBase { get; }

    public TenantsClient Tenants { get; }

    public ClusterClient Cluster { get; }

    public TopicsClient Topics { get; }

    public UsersClient Users { get; }

    public AclsClient Acls { get; }

    public ApiKeysClient ApiKeys { get; }

    public GroupsClient Groups { get; }

    public CertificatesClient Certificates { get; }

    public UsageClient Usage { get; }

    /// <summary>
    /// Sends one request to <paramref name="route"/> (relative to <see cref="ApiBase"/>, e.g. <c>v1/tenants/acme</c>)
    /// with <paramref name="body"/> as JSON and <paramref name="ifMatch"/> as <c>If-Match</c>, and reads the answer
    /// as <typeparamref name="T"/>. A status not in <paramref name="accepted"/> (null: any 2xx) throws
    /// <see cref="ControlPlaneException"/>; an accepted non-2xx answer (a 404 asked for) has a default value.
    /// </summary>
    public async Task<ControlPlaneResponse<T?>> SendAsync<T>(HttpMethod method, string route, object? body, string? ifMatch, IReadOnlyCollection<HttpStatusCode>? accepted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(route);
        using var request = new HttpRequestMessage(method, new Uri(ApiBase, route));
        request.Headers.Authorization = _authorization;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: ControlPlaneJson.Options);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        var etag = response.Headers.ETag?.ToString();
        var location = response.Headers.Location?.OriginalString;
        var success = accepted is null ? response.IsSuccessStatusCode : accepted.Contains(response.StatusCode);
        if (!success) throw await ProblemAsync(response, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NoContent)
            return new ControlPlaneResponse<T?>(response.StatusCode, etag, default) { Location = location };
        try
        {
            var value = await response.Content.ReadFromJsonAsync<T>(ControlPlaneJson.Options, ct).ConfigureAwait(false);
            return new ControlPlaneResponse<T?>(response.StatusCode, etag, value) { Location = location };
        }
        catch (JsonException e)
        {
            throw new ControlPlaneException((int)response.StatusCode, "Unreadable answer",
                $"The control plane at {ApiBase} answered {(int)response.StatusCode} with a body this client cannot read ({e.Message}); is that URL a Fjord control plane?");
        }
    }

    /// <summary>As <see cref="SendAsync{T}"/>, for an answer that must have a body.</summary>
    public async Task<ControlPlaneResponse<T>> SendForValueAsync<T>(HttpMethod method, string route, object? body, string? ifMatch, CancellationToken ct)
        where T : class
    {
        var response = await SendAsync<T>(method, route, body, ifMatch, null, ct).ConfigureAwait(false);
        return response.Value is { } value
            ? new ControlPlaneResponse<T>(response.Status, response.ETag, value) { Location = response.Location }
            : throw new ControlPlaneException((int)response.Status, "Empty answer", $"The control plane answered {(int)response.Status} with no body to {method} {route}");
    }

    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }

    private static async Task<ControlPlaneException> ProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var reason = response.ReasonPhrase ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (response.Content.Headers.ContentType?.MediaType is ProblemMediaType or "application/json")
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                var root = document.RootElement;
                var title = root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : reason;
                var detail = root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : title;
                return new ControlPlaneException(status, title, detail);
            }
            catch (JsonException)
            {
            }
        }
        var excerpt = text.Length > 200 ? text[..200] + "…" : text;
        return new ControlPlaneException(status, reason, string.IsNullOrWhiteSpace(excerpt) ? $"{status} {reason}" : $"{status} {reason}: {excerpt.Trim()}");
    }
}

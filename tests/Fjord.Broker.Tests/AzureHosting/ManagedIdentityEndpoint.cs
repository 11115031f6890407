using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Tests.AzureHosting;

/// <summary>
/// The managed-identity token endpoint of App Service and Container Apps, as a process finds it through
/// IDENTITY_ENDPOINT and IDENTITY_HEADER: <c>GET ?api-version=2019-08-01&amp;resource=…&amp;client_id=…</c> with the
/// header <c>X-IDENTITY-HEADER</c>, answered with <c>{access_token, expires_on, resource, token_type, client_id}</c>.
/// The token is a JWT shaped like Microsoft Entra ID's (issuer sts.windows.net, audience the resource, a lifetime),
/// which is all Azurite's <c>--oauth basic</c> checks. Every request is recorded for the test to assert on.
/// </summary>
public sealed class ManagedIdentityEndpoint : IAsyncDisposable
{
    public const string TenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<TokenRequest> _requests = new();
    private int _refused;

    private ManagedIdentityEndpoint(WebApplication app) => _app = app;

    /// <summary>IDENTITY_ENDPOINT.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>IDENTITY_HEADER: the secret a caller must send back, as the platform's is.</summary>
    public string Secret { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Every request that carried the right secret, in arrival order.</summary>
    public IReadOnlyList<TokenRequest> Requests => [.. _requests];

    /// <summary>Requests refused for a missing or wrong X-IDENTITY-HEADER.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public static async Task<ManagedIdentityEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var endpoint = new ManagedIdentityEndpoint(app);
        app.MapGet("/msi/token", endpoint.Answer);
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        endpoint.Endpoint = new Uri(new Uri(bound), "/msi/token");
        return endpoint;
    }

    /// <summary>A token Azurite accepts, for the test's own requests.</summary>
    public static string Token(string audience, string clientId)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new Dictionary<string, object> { ["alg"] = "RS256", ["typ"] = "JWT" };
        var claims = new Dictionary<string, object>
        {
            ["aud"] = audience,
            ["iss"] = $"https://sts.windows.net/{TenantId}/",
            ["iat"] = now - 60,
            ["nbf"] = now - 60,
            ["exp"] = now + 3600,
            ["appid"] = clientId,
            ["oid"] = clientId,
            ["tid"] = TenantId,
        };
        // Azurite's basic level does not check the signature; random bytes keep the token's shape.
        return $"{Base64Url(JsonSerializer.SerializeToUtf8Bytes(header))}.{Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims))}.{Base64Url(RandomNumberGenerator.GetBytes(64))}";
    }

    private IResult Answer(HttpRequest request)
    {
        if (request.Headers["X-IDENTITY-HEADER"].ToString() != Secret)
        {
            Interlocked.Increment(ref _refused);
            return Results.Json(new { error = "invalid_request", error_description = "X-IDENTITY-HEADER is missing or wrong" }, statusCode: StatusCodes.Status400BadRequest);
        }
        var resource = request.Query["resource"].ToString();
        var clientId = request.Query["client_id"].ToString();
        _requests.Enqueue(new TokenRequest(resource, clientId, request.Query["api-version"].ToString()));
        var expiresOn = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return Results.Json(new Dictionary<string, string>
        {
            ["access_token"] = Token(resource, clientId),
            ["expires_on"] = expiresOn,
            ["resource"] = resource,
            ["token_type"] = "Bearer",
            ["client_id"] = clientId,
        });
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

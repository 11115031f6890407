using System.Net;
using Fjord.Broker.Configuration;
using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Principals;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tests.Tenancy;

/// <summary>Tenants, their admins' sessions and request contexts, as the integrator's authentication will set them up.</summary>
internal static class TenantTesting
{
    public static TenantScope Scope(string id) =>
        new(new Tenant(id, id, TenantState.Active, "cluster-" + id, TenantLimits.None, DateTimeOffset.UnixEpoch));

    /// <summary>A tenant id no other test uses, so listings over a shared broker hold this test's names only.</summary>
    public static string UniqueId(string name) => name + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The session of <c>User:&lt;tenant&gt;.admin</c>, or of <paramref name="operatorPrincipal"/> with no tenant.</summary>
    public static ClientSession Session(TenantScope? tenant, int port = 9092, KafkaPrincipal? operatorPrincipal = null) =>
        new(1, new ListenerEndpoint("PLAINTEXT", "127.0.0.1", port), IPAddress.Loopback)
        {
            Principal = tenant is null ? operatorPrincipal ?? KafkaPrincipal.User("admin") : KafkaPrincipal.User(tenant.ToStored("admin")) with { TenantId = tenant.Id },
            Tenant = tenant,
        };

    public static RequestContext Context(ApiKey apiKey, short version, TenantScope? tenant = null) =>
        new(apiKey, version, 1, "tenancy-tests", Session(tenant));

    /// <summary>
    /// Encodes <paramref name="request"/> at <paramref name="version"/>, runs it through the handler (and so through the
    /// tenant's rewrite when the session has one) and decodes the response, as the network layer does.
    /// </summary>
    public static async Task<TResponse> CallAsync<TResponse>(ApiHandler handler, IKafkaMessage request, short version, ClientSession session, CancellationToken ct)
        where TResponse : IKafkaMessage, new()
    {
        Assert.InRange(version, handler.MinVersion, handler.MaxVersion);
        using var body = new ResponseBuffer();
        var writer = new KafkaWriter(body);
        request.Write(ref writer, version);
        var context = new RequestContext(request.ApiKey, version, 1, "tenancy-tests", session);
        using var output = new ResponseBuffer();
        Assert.True(await handler.HandleAsync(context, body.WrittenMemory.ToArray(), output, ct), "no response");
        Assert.False(context.CloseConnection, "the connection was closed");
        var response = new TResponse();
        var reader = new KafkaReader(output.WrittenMemory);
        response.Read(ref reader, version);
        Assert.Equal(0, reader.Remaining);
        return response;
    }
}

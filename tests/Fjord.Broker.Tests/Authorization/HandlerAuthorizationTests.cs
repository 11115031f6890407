using System.Net;
using System.Text;
using Fjord.Broker.Configuration;
using Fjord.Broker.Network;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Security.Principals;
using Fjord.Testing;
using Fjord.Testing.Records;

namespace Fjord.Broker.Tests.Authorization;

/// <summary>
/// The authorization matrix, handler by handler: each API called as User:alice without the ACL security.html
/// names answers Kafka's error and leaves the resource as it was (checked over the wire by an unrestricted
/// client); with the ACL, the same call works. Each test uses its own topic, group and transactional id names.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed partial class HandlerAuthorizationTests : IClassFixture<AuthorizationBrokerFixture>, IAsyncLifetime
{
    private static readonly KafkaPrincipal Alice = KafkaPrincipal.User("alice");
    private static readonly long RecentTimestamp = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();

    private readonly AuthorizationBrokerFixture _fixture;
    private RawKafkaClient _admin = null!;

    public HandlerAuthorizationTests(AuthorizationBrokerFixture fixture)
    {
        _fixture = fixture;
        fixture.Authorizer.Clear();
    }

    private RuleAuthorizer Acls => _fixture.Authorizer;

    private FjordTestCluster Host => _fixture.Cluster;

    public async Task InitializeAsync() => _admin = await RawKafkaClient.ConnectAsync(Host.BootstrapServers);

    public async Task DisposeAsync() => await _admin.DisposeAsync();

    private static string Name(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private static byte[] BatchOf(int records, string tag)
    {
        var builder = new RecordBatchBuilder(RecentTimestamp);
        for (var i = 0; i < records; i++)
            builder.Add((byte[]?)null, Encoding.UTF8.GetBytes($"{tag}-{i}"), timestampDelta: i);
        return builder.Build();
    }

    /// <summary>Calls the authorizing handler for the request's API as <paramref name="principal"/> (alice by default), at the given version.</summary>
    private async Task<TResponse> CallAsync<TResponse>(IKafkaMessage request, short version, KafkaPrincipal? principal = null)
        where TResponse : IKafkaMessage, new()
    {
        using var body = new ResponseBuffer();
        var writer = new KafkaWriter(body);
        request.Write(ref writer, version);
        var session = new ClientSession(1, new ListenerEndpoint("PLAINTEXT", "127.0.0.1", Host.InProcess().AdvertisedListeners[0].Port), IPAddress.Loopback)
        {
            Principal = principal ?? Alice,
        };
        var context = new RequestContext(request.ApiKey, version, 1, "authz-tests", session);
        using var output = new ResponseBuffer();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Assert.True(await _fixture.Handlers[request.ApiKey].HandleAsync(context, body.WrittenMemory.ToArray(), output, timeout.Token), "no response");
        var response = new TResponse();
        var reader = new KafkaReader(output.WrittenMemory);
        response.Read(ref reader, version);
        return response;
    }

    private static void AssertError(ErrorCode expected, short actual, string? what = null) =>
        Assert.True((short)expected == actual, $"{what ?? "error"}: expected {expected}, got {(ErrorCode)actual}");

    private void Grant(AclOperation operation, ResourceType type, string name) => Acls.Allow(Alice, operation, type, name);

    private void GrantCluster(AclOperation operation) => Acls.AllowCluster(Alice, operation);
}

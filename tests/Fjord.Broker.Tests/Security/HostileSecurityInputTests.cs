using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Broker.Tests.Protocol;
using Fjord.Protocol;
using Fjord.Security.Authentication;
using Fjord.Security.Credentials;
using Fjord.Testing;
using Fjord.Testing.Records;
using ErrorCode = Fjord.Protocol.ErrorCode;
using ScramMechanism = Fjord.Security.Credentials.ScramMechanism;

namespace Fjord.Broker.Tests.Security;

/// <summary>
/// Hostile input at a broker with real SASL_SSL and SASL_PLAINTEXT listeners and a real SCRAM store: bad credentials,
/// malformed and replayed SCRAM messages, oversized frames before authenticating, garbage and stalled TLS handshakes,
/// requests before authenticating, invalid ACLs and SCRAM credentials. Each attack fails closed, and an honest
/// SCRAM producer over SASL_SSL keeps being served throughout.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class HostileSecurityInputTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const int MaxReceiveSize = 4096;
    private static readonly TimeSpan FailedAuthenticationDelay = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromMilliseconds(1000);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly TestSecurity _security = new TestSecurity().AddUser("alice", "alice-secret");
    private FjordTestCluster _cluster = null!;
    private SecureBystander _bystander = null!;

    private string SaslSsl => TestSecurity.Endpoint(_cluster.InProcess().AdvertisedListeners, "SASL_SSL");
    private string SaslPlaintext => TestSecurity.Endpoint(_cluster.InProcess().AdvertisedListeners, "SASL_PLAINTEXT");

    public async Task InitializeAsync()
    {
        var settings = _security.BrokerSettings("SASL_SSL://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0");
        settings["sasl.server.max.receive.size"] = MaxReceiveSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["connection.failed.authentication.delay.ms"] = ((int)FailedAuthenticationDelay.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["fjord.ssl.handshake.timeout.ms"] = ((int)HandshakeTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _cluster = await FjordTestCluster.StartAsync(azurite.Host, settings);

        using (var admin = Admin())
            await admin.CreateTopicsAsync([
                new TopicSpecification { Name = "bystander", NumPartitions = 1, ReplicationFactor = 1 },
                new TopicSpecification { Name = "victim", NumPartitions = 1, ReplicationFactor = 1 },
            ]);
        _bystander = SecureBystander.Start(SecureBystander.Config(SaslSsl, _security), "bystander");
        await _bystander.AssertStillServedAsync(more: 1);
    }

    public async Task DisposeAsync()
    {
        if (_bystander is not null) await _bystander.DisposeAsync();
        if (_cluster is not null) await _cluster.DisposeAsync();
        _security.Dispose();
    }

    private IAdminClient Admin() =>
        new AdminClientBuilder(new AdminClientConfig(SecureBystander.Config(SaslSsl, _security)) { SocketTimeoutMs = 10_000 })
            .SetLogHandler((_, _) => { }).Build();

    /// <summary>After every attack: the broker serves a new SCRAM connection, and the bystander kept and keeps producing.</summary>
    private async Task AssertBrokerServesAsync()
    {
        await using (var client = await RawKafkaClient.ConnectTlsAsync(SaslSsl, _security.CaPath))
        {
            var (final, _) = await ScramAsync(client, TestSecurity.AdminUser, TestSecurity.AdminPassword);
            Assert.Equal(0, final.ErrorCode);
            await RawScenario.AssertServedAsync(client);
        }
        await _bystander.AssertStillServedAsync();
    }

    private static async Task HandshakeAsync(RawKafkaClient client, string mechanism = "SCRAM-SHA-512")
    {
        var handshake = await client.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = mechanism }, 1, Timeout);
        Assert.Equal(0, handshake.ErrorCode);
    }

    private static Task<SaslAuthenticateResponse> AuthenticateAsync(RawKafkaClient client, byte[] token) =>
        client.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = token }, 2, Timeout);

    /// <summary>A whole SCRAM-SHA-512 exchange; returns the broker's last answer and the client-final that was sent.</summary>
    private static async Task<(SaslAuthenticateResponse Final, byte[] ClientFinal)> ScramAsync(RawKafkaClient client, string user, string password,
        Func<string, string>? tamperClientFinal = null)
    {
        await HandshakeAsync(client);
        var scram = new ScramSaslClient(ScramMechanism.ScramSha512, user, password);
        var serverFirst = await AuthenticateAsync(client, scram.InitialResponse());
        Assert.Equal(0, serverFirst.ErrorCode);
        var clientFinal = scram.EvaluateChallenge(serverFirst.AuthBytes.Span)!;
        if (tamperClientFinal is not null)
            clientFinal = Encoding.ASCII.GetBytes(tamperClientFinal(Encoding.ASCII.GetString(clientFinal)));
        var final = await AuthenticateAsync(client, clientFinal);
        if (final.ErrorCode == 0) scram.EvaluateChallenge(final.AuthBytes.Span);
        return (final, clientFinal);
    }

    private static async Task AssertFailedAndClosedAsync(RawKafkaClient client, SaslAuthenticateResponse response)
    {
        Assert.Equal((short)ErrorCode.SaslAuthenticationFailed, response.ErrorCode);
        Assert.True(await client.IsClosedByBrokerAsync(Timeout), "the broker closes a connection whose authentication failed");
    }

    [Fact]
    public async Task WrongPasswordAndUnknownUserFailAlikeAfterTheDelayAndClose()
    {
        var messages = new List<string?>();
        foreach (var (user, password) in new[] { ("alice", "not-alice-secret"), ("mallory", "anything") })
        {
            await using var client = await RawKafkaClient.ConnectAsync(SaslPlaintext);
            var started = Stopwatch.StartNew();
            var (final, _) = await ScramAsync(client, user, password);
            Assert.True(started.Elapsed >= FailedAuthenticationDelay - TimeSpan.FromMilliseconds(20),
                $"the failure for {user} came after {started.Elapsed}, before connection.failed.authentication.delay.ms");
            await AssertFailedAndClosedAsync(client, final);
            messages.Add(final.ErrorMessage);
        }

        // An attacker must not tell a wrong password from a user that does not exist.
        Assert.Equal(messages[0], messages[1]);

        // A real client is told its authentication failed (librdkafka reports it as an error and keeps retrying),
        // and the right password still works afterwards.
        var errors = new List<Error>();
        using (var wrong = new ProducerBuilder<Null, string>(SecureBystander.Config(SaslSsl, _security, "alice", "wrong"))
                   .SetLogHandler((_, _) => { }).SetErrorHandler((_, e) => { lock (errors) errors.Add(e); }).Build())
        {
            wrong.Produce("victim", new Message<Null, string> { Value = "x" });
            await Poll.UntilAsync(() => { lock (errors) return errors.Any(e => e.Code == Confluent.Kafka.ErrorCode.Local_Authentication); },
                Timeout, "librdkafka to report the failed authentication");
        }
        await using (var alice = await RawKafkaClient.ConnectAsync(SaslPlaintext))
            Assert.Equal(0, (await ScramAsync(alice, "alice", "alice-secret")).Final.ErrorCode);
        await AssertBrokerServesAsync();
    }

    public static TheoryData<string> TamperedClientFinals => ["bad-nonce", "bad-proof", "no-proof", "bad-channel-binding", "not-base64-proof"];

    [Theory]
    [MemberData(nameof(TamperedClientFinals))]
    public async Task ATamperedClientFinalFailsAndCloses(string tampering)
    {
        await using var client = await RawKafkaClient.ConnectAsync(SaslPlaintext);
        var (final, _) = await ScramAsync(client, TestSecurity.AdminUser, TestSecurity.AdminPassword, clientFinal => Tamper(clientFinal, tampering));

        await AssertFailedAndClosedAsync(client, final);
        await AssertBrokerServesAsync();
    }

    private static string Tamper(string clientFinal, string tampering)
    {
        var parts = clientFinal.Split(',');
        string Replace(string prefix, string value) => string.Join(',', parts.Select(p => p.StartsWith(prefix, StringComparison.Ordinal) ? prefix + value : p));
        var nonce = parts.Single(p => p.StartsWith("r=", StringComparison.Ordinal))[2..];
        return tampering switch
        {
            "bad-nonce" => Replace("r=", nonce[..^4] + "AAAA"),
            "bad-proof" => Replace("p=", Convert.ToBase64String(new byte[64])),
            "no-proof" => string.Join(',', parts.Where(p => !p.StartsWith("p=", StringComparison.Ordinal))),
            "bad-channel-binding" => Replace("c=", Convert.ToBase64String("y,,"u8.ToArray())),
            "not-base64-proof" => Replace("p=", "!!!not base64!!!"),
            _ => throw new ArgumentOutOfRangeException(nameof(tampering)),
        };
    }

    [Fact]
    public async Task AReplayedClientFinalOnANewConnectionFails()
    {
        byte[] captured;
        await using (var victim = await RawKafkaClient.ConnectAsync(SaslPlaintext))
        {
            var (final, clientFinal) = await ScramAsync(victim, "alice", "alice-secret");
            Assert.Equal(0, final.ErrorCode);
            captured = clientFinal;
        }

        // The attacker replays alice's whole conversation; the server's fresh nonce makes the old proof worthless.
        await using var attacker = await RawKafkaClient.ConnectAsync(SaslPlaintext);
        var (replayed, _) = await ScramAsync(attacker, "alice", "whatever", _ => Encoding.ASCII.GetString(captured));
        await AssertFailedAndClosedAsync(attacker, replayed);

        // Replaying the client-final again after a completed exchange on the same connection fails too.
        await using var again = await RawKafkaClient.ConnectAsync(SaslPlaintext);
        await HandshakeAsync(again);
        var garbageFirst = await AuthenticateAsync(again, captured);
        await AssertFailedAndClosedAsync(again, garbageFirst);
        await AssertBrokerServesAsync();
    }

    private static readonly Dictionary<string, byte[]> GarbageClientFirstBytes = new()
    {
        ["empty"] = [],
        ["binary"] = [0xff, 0xfe, 0x00, 0x01, 0x80, 0xc3],
        ["no-nonce"] = Encoding.ASCII.GetBytes("n,,n=admin"),
        ["channel-binding-required"] = Encoding.ASCII.GetBytes("p=tls-unique,,n=admin,r=abc"),
        ["empty-nonce"] = Encoding.ASCII.GetBytes("n,,n=admin,r="),
        ["mandatory-extension"] = Encoding.ASCII.GetBytes("n,,m=ext,n=admin,r=abc"),
        ["no-gs2-header"] = Encoding.ASCII.GetBytes("n=admin,r=abc"),
        ["authzid-of-another-user"] = Encoding.ASCII.GetBytes("n,a=admin,n=alice,r=abc"),
        ["bad-name-escape"] = Encoding.ASCII.GetBytes("n,,n=ad=2Xmin,r=abc"),
        ["delegation-token"] = Encoding.ASCII.GetBytes("n,,n=admin,r=abc,tokenauth=true"),
    };

    public static TheoryData<string> GarbageClientFirsts => [.. GarbageClientFirstBytes.Keys];

    [Theory]
    [MemberData(nameof(GarbageClientFirsts))]
    public async Task AGarbageClientFirstFailsAndCloses(string garbage)
    {
        await using var client = await RawKafkaClient.ConnectAsync(SaslPlaintext);
        await HandshakeAsync(client);

        var response = await AuthenticateAsync(client, GarbageClientFirstBytes[garbage]);

        await AssertFailedAndClosedAsync(client, response);
        await AssertBrokerServesAsync();
    }

    [Fact]
    public async Task GarbageBytesInsteadOfAFrameBeforeAuthenticatingClose()
    {
        await using var client = await RawKafkaClient.ConnectAsync(SaslPlaintext);
        var garbage = new byte[512];
        new Random(7).NextBytes(garbage);
        BinaryPrimitives.WriteInt32BigEndian(garbage, 200);
        await client.SendRawAsync(garbage);

        Assert.True(await client.IsClosedByBrokerAsync(Timeout));
        await AssertBrokerServesAsync();
    }

    [Fact]
    public async Task ASaslFrameOverTheReceiveLimitBeforeAuthenticatingCloses()
    {
        // A SaslAuthenticate whose token alone is over sasl.server.max.receive.size, after a valid handshake.
        await using (var client = await RawKafkaClient.ConnectAsync(SaslPlaintext))
        {
            await HandshakeAsync(client);
            await client.SendRawAsync(RawKafkaClient.Encode(new SaslAuthenticateRequest { AuthBytes = new byte[MaxReceiveSize + 1] }, 2, client.NextCorrelationId()));
            Assert.True(await client.IsClosedByBrokerAsync(Timeout));
        }

        // A size prefix announcing 1 GiB, with nothing behind it: the broker must not wait for (or allocate) it.
        await using (var client = await RawKafkaClient.ConnectTlsAsync(SaslSsl, _security.CaPath))
        {
            var prefix = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(prefix, 1 << 30);
            await client.SendRawAsync(prefix);
            Assert.True(await client.IsClosedByBrokerAsync(Timeout));
        }
        await AssertBrokerServesAsync();
    }

    [Fact]
    public async Task GarbageInsteadOfATlsClientHelloCloses()
    {
        foreach (var garbage in new[] { Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: fjord\r\n\r\n"), RawKafkaClient.Encode(new ApiVersionsRequest(), 3, 1) })
        {
            // Plain Kafka (or HTTP) bytes at a TLS port: not a handshake record, so the broker hangs up.
            await using var client = await RawKafkaClient.ConnectAsync(SaslSsl);
            await client.SendRawAsync(garbage);
            Assert.True(await client.IsClosedByBrokerAsync(Timeout), "the broker closes a connection that does not start with a TLS ClientHello");
        }
        await AssertBrokerServesAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AStalledTlsHandshakeIsCutAtTheHandshakeTimeout(bool partialClientHello)
    {
        // Started before connecting, so the broker's handshake clock (from its accept) cannot have started earlier.
        var started = Stopwatch.StartNew();
        await using var client = await RawKafkaClient.ConnectAsync(SaslSsl);
        if (partialClientHello)
        {
            // A TLS record header announcing a 512-byte handshake record, then silence.
            await client.SendRawAsync(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01 });
        }

        // fjord.ssl.handshake.timeout.ms is 1 s here and 10 s by default: a close well before 10 s is the setting at work.
        Assert.True(await client.IsClosedByBrokerAsync(TimeSpan.FromSeconds(8)), "a stalled TLS handshake is closed by fjord.ssl.handshake.timeout.ms");
        Assert.True(started.Elapsed >= HandshakeTimeout - TimeSpan.FromMilliseconds(50), $"closed after {started.Elapsed}, before the handshake timeout");
        await AssertBrokerServesAsync();
    }

    [Fact]
    public async Task RequestsBeforeAuthenticatingCloseAndAppendNothing()
    {
        var batch = new RecordBatchBuilder().Add("k", "v").Build();

        // Metadata with no SASL at all.
        await using (var client = await RawKafkaClient.ConnectAsync(SaslPlaintext))
        {
            await client.SendRawAsync(RawKafkaClient.Encode(new MetadataRequest(), 12, client.NextCorrelationId()));
            Assert.True(await client.IsClosedByBrokerAsync(Timeout));
        }

        // Produce with no SASL, over TLS.
        await using (var client = await RawKafkaClient.ConnectTlsAsync(SaslSsl, _security.CaPath))
        {
            await client.SendRawAsync(RawKafkaClient.Encode(RawScenario.ProduceRequestFor("victim", 0, batch), 9, client.NextCorrelationId()));
            Assert.True(await client.IsClosedByBrokerAsync(Timeout));
        }

        // Produce between the handshake and the exchange, and in the middle of the exchange.
        await using (var client = await RawKafkaClient.ConnectAsync(SaslPlaintext))
        {
            await HandshakeAsync(client);
            await client.SendRawAsync(RawKafkaClient.Encode(RawScenario.ProduceRequestFor("victim", 0, batch), 9, client.NextCorrelationId()));
            Assert.True(await client.IsClosedByBrokerAsync(Timeout));
        }
        await using (var client = await RawKafkaClient.ConnectAsync(SaslPlaintext))
        {
            await HandshakeAsync(client);
            var scram = new ScramSaslClient(ScramMechanism.ScramSha512, TestSecurity.AdminUser, TestSecurity.AdminPassword);
            Assert.Equal(0, (await AuthenticateAsync(client, scram.InitialResponse())).ErrorCode);
            await client.SendRawAsync(RawKafkaClient.Encode(RawScenario.ProduceRequestFor("victim", 0, batch), 9, client.NextCorrelationId()));
            Assert.True(await client.IsClosedByBrokerAsync(Timeout));
        }

        await AssertBrokerServesAsync();
        Assert.Equal(0, RawScenario.LogEndOffset(_cluster, "victim", 0));
    }

    private async Task<RawKafkaClient> AuthenticatedAdminAsync()
    {
        var client = await RawKafkaClient.ConnectAsync(SaslPlaintext);
        Assert.Equal(0, (await ScramAsync(client, TestSecurity.AdminUser, TestSecurity.AdminPassword)).Final.ErrorCode);
        return client;
    }

    private static CreateAclsRequest.AclCreation Acl(sbyte resourceType = 2, string name = "victim", sbyte patternType = 3, string principal = "User:alice",
        string host = "*", sbyte operation = 3, sbyte permission = 3) =>
        new() { ResourceType = resourceType, ResourceName = name, ResourcePatternType = patternType, Principal = principal, Host = host, Operation = operation, PermissionType = permission };

    [Fact]
    public async Task CreateAclsWithInvalidPatternsOrUnknownCodesAnswerInvalidRequestAndStoreNothing()
    {
        await using var client = await AuthenticatedAdminAsync();
        var request = new CreateAclsRequest();
        request.Creations.AddRange(
        [
            Acl(resourceType: 99), Acl(resourceType: 0), Acl(resourceType: 1),        // unknown, UNKNOWN, ANY
            Acl(patternType: 99), Acl(patternType: 1), Acl(patternType: 2),           // unknown, ANY, MATCH
            Acl(operation: 99), Acl(operation: 1), Acl(operation: -1),                // unknown, ANY, negative
            Acl(permission: 99), Acl(permission: 1),                                  // unknown, ANY
            Acl(principal: "alice"), Acl(principal: ""), Acl(principal: "User:"),      // no principal type, empty
            Acl(name: ""), Acl(resourceType: 4, name: "not-kafka-cluster"),           // empty name, a cluster that is not kafka-cluster
            Acl(host: ""),                                                            // empty host
        ]);

        var response = await client.SendAsync<CreateAclsResponse>(request, 3, Timeout);

        Assert.Equal(request.Creations.Count, response.Results.Count);
        for (var i = 0; i < response.Results.Count; i++)
            Assert.True(response.Results[i].ErrorCode == (short)ErrorCode.InvalidRequest,
                $"creation {i}: expected INVALID_REQUEST, got {response.Results[i].ErrorCode} {response.Results[i].ErrorMessage}");

        var described = await client.SendAsync<DescribeAclsResponse>(
            new DescribeAclsRequest { ResourceTypeFilter = 1, ResourceNameFilter = null, PatternTypeFilter = 1, PrincipalFilter = null, HostFilter = null, Operation = 1, PermissionType = 1 },
            3, Timeout);
        Assert.Equal(0, described.ErrorCode);
        Assert.Empty(described.Resources);
        await AssertBrokerServesAsync();
    }

    [Fact]
    public async Task AlterUserScramCredentialsWithBadIterationsOrAnUnknownMechanismStoresNothing()
    {
        await using var client = await AuthenticatedAdminAsync();
        var request = new AlterUserScramCredentialsRequest();
        AlterUserScramCredentialsRequest.ScramCredentialUpsertion Upsert(string user, sbyte mechanism, int iterations, int saltedLength = 64) =>
            new() { Name = user, Mechanism = mechanism, Iterations = iterations, Salt = "salt"u8.ToArray(), SaltedPassword = new byte[saltedLength] };
        request.Upsertions.AddRange(
        [
            Upsert("too-few", 2, 100),
            Upsert("too-many", 2, 1_000_000),
            Upsert("negative", 2, -1),
            Upsert("unknown-mechanism", 9, 4096),
            Upsert("zero-mechanism", 0, 4096),
            Upsert("wrong-length", 2, 4096, saltedLength: 3),
        ]);
        request.Deletions.Add(new AlterUserScramCredentialsRequest.ScramCredentialDeletion { Name = "delete-unknown", Mechanism = -5 });

        var response = await client.SendAsync<AlterUserScramCredentialsResponse>(request, 0, Timeout);

        var errors = response.Results.ToDictionary(r => r.User, r => (ErrorCode)r.ErrorCode);
        Assert.Equal(ErrorCode.UnacceptableCredential, errors["too-few"]);
        Assert.Equal(ErrorCode.UnacceptableCredential, errors["too-many"]);
        Assert.Equal(ErrorCode.UnacceptableCredential, errors["negative"]);
        Assert.Equal(ErrorCode.UnsupportedSaslMechanism, errors["unknown-mechanism"]);
        Assert.Equal(ErrorCode.UnsupportedSaslMechanism, errors["zero-mechanism"]);
        Assert.Equal(ErrorCode.UnacceptableCredential, errors["wrong-length"]);
        Assert.Equal(ErrorCode.UnsupportedSaslMechanism, errors["delete-unknown"]);

        var describe = new DescribeUserScramCredentialsRequest { Users = [.. errors.Keys.Select(u => new DescribeUserScramCredentialsRequest.UserName { Name = u })] };
        var described = await client.SendAsync<DescribeUserScramCredentialsResponse>(describe, 0, Timeout);
        Assert.All(described.Results, r => Assert.True(r.ErrorCode == (short)ErrorCode.ResourceNotFound && r.CredentialInfos.Count == 0,
            $"{r.User}: {r.ErrorCode} with {r.CredentialInfos.Count} credentials"));
        await AssertBrokerServesAsync();
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.ControlPlane.Tests.EndToEnd;
using Fjord.ControlPlane.Tests.Functions;
using Fjord.Security.Principals;
using Fjord.Testing;
using Xunit.Abstractions;

namespace Fjord.ControlPlane.Tests.Certificates;

/// <summary>
/// A certificate signed through the API authenticates a real Kafka client over mutual TLS as the tenant's user, and
/// revoking it through the API closes the client's open connection within the two seconds promised and refuses its
/// next handshake.
/// </summary>
public sealed class CertificateEndToEndTests(ControlPlaneClusterFixture fixture, ITestOutputHelper output) : IClassFixture<ControlPlaneClusterFixture>, IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Promise = TimeSpan.FromSeconds(2);

    private readonly TempDirectory _files = new("mtls-client");

    [Fact]
    public async Task ASignedCertificateProducesAndConsumesOverMutualTlsAndRevokingItClosesItsConnectionWithinTwoSeconds()
    {
        var tenant = "m" + Guid.NewGuid().ToString("N")[..8];
        using var api = fixture.Client();
        var created = await ApiCall.SendAsync(api, HttpMethod.Put, $"/api/v1/tenants/{tenant}", "{}");
        created.AssertStatus(HttpStatusCode.Created);
        var admin = created.Json.GetProperty("admin");
        var adminConfig = fixture.ClientConfig(admin.GetProperty("username").GetString()!, admin.GetProperty("password").GetString()!);
        using (var adminClient = new AdminClientBuilder(new AdminClientConfig(adminConfig)).SetLogHandler((_, _) => { }).Build())
            await Poll.UntilAsync(() => KafkaAttempts.CreateTopicAsync(adminClient, "orders"), Generous, $"tenant {tenant}'s admin to create topic orders");
        const string Acls = """
            {"bindings": [
              {"resourceType": "Topic", "resourceName": "orders", "principal": "User:app1", "operation": "Write"},
              {"resourceType": "Topic", "resourceName": "orders", "principal": "User:app1", "operation": "Describe"},
              {"resourceType": "Topic", "resourceName": "orders", "principal": "User:app1", "operation": "Read"},
              {"resourceType": "Group", "resourceName": "billing", "principal": "User:app1", "operation": "Read"}
            ]}
            """;
        (await ApiCall.SendAsync(api, HttpMethod.Post, $"/api/v1/tenants/{tenant}/acls", Acls)).AssertStatus(HttpStatusCode.OK);

        // The tenant makes its key and CSR; the key never leaves it. The CSR's subject is ignored.
        var (keyPem, csrPem) = TestCsr.NewKeyAndCsr("CN=anything");
        var body = JsonSerializer.Serialize(new { user = "app1", csr = csrPem, validityDays = 7 });
        var signed = await ApiCall.SendAsync(api, HttpMethod.Post, $"/api/v1/tenants/{tenant}/certificates", body);
        signed.AssertStatus(HttpStatusCode.Created);
        var serial = signed.Json.GetProperty("serialNumber").GetString()!;
        var certificatePath = _files.Combine("app1.pem");
        var keyPath = _files.Combine("app1.key");
        await File.WriteAllTextAsync(certificatePath, signed.Json.GetProperty("chainPem").GetString());
        await File.WriteAllTextAsync(keyPath, keyPem);
        var config = fixture.MutualTlsConfig(certificatePath, keyPath);

        var errors = new ConcurrentQueue<Error>();
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig(config) { LingerMs = 0, MessageTimeoutMs = 5_000, Acks = Acks.All })
            .SetLogHandler((_, _) => { })
            .SetErrorHandler((_, e) => errors.Enqueue(e))
            .Build();
        await Poll.UntilAsync(() => KafkaAttempts.ProduceAsync(producer, "orders"), Generous, "app1 to produce to orders over mutual TLS");
        using (var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig(config)
        {
            GroupId = "billing",
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).SetLogHandler((_, _) => { }).Build())
        {
            consumer.Subscribe("orders");
            var record = await Poll.UntilAsync(() => KafkaAttempts.Consume(consumer), Generous, "app1 to consume orders in group billing over mutual TLS");
            Assert.Equal("v", record.Message.Value);
            consumer.Close();
        }
        var principal = KafkaPrincipal.User($"{tenant}.app1");
        Assert.True(Sessions(serial) > 0, "app1's producer holds a connection authenticated by its certificate");
        Assert.All(fixture.Cluster.InProcess().Sessions.Where(s => s.ClientCertificate?.SerialNumber == serial), s => Assert.Equal(principal, s.Principal));

        var clock = Stopwatch.StartNew();
        (await ApiCall.SendAsync(api, HttpMethod.Delete, $"/api/v1/tenants/{tenant}/certificates/{serial}")).AssertStatus(HttpStatusCode.OK);
        var answered = clock.Elapsed;
        await Poll.UntilAsync(() => Sessions(serial) == 0, Generous, "the broker to close the revoked certificate's connection");
        var closed = clock.Elapsed;
        output.WriteLine($"Revocation answered after {answered.TotalMilliseconds:0} ms; the connection was closed {closed.TotalMilliseconds:0} ms after the DELETE was sent");
        Assert.True(closed <= Promise, $"the revoked certificate's connection outlived the 2 s promise: {closed.TotalMilliseconds:0} ms");

        // The producer reconnects with the same certificate and is refused at the handshake, every time.
        errors.Clear();
        producer.Produce("orders", new Message<string, string> { Key = "k", Value = "after revocation" });
        await Poll.UntilAsync(() => errors.Any(e => e.Code is ErrorCode.Local_Ssl or ErrorCode.Local_AllBrokersDown or ErrorCode.Local_Authentication),
            Generous, $"the broker to refuse the revoked certificate's new connection (errors: {string.Join("; ", errors.Select(e => e.Reason))})");
        Assert.Equal(0, Sessions(serial));
        var refused = await Assert.ThrowsAsync<ProduceException<string, string>>(() => producer.ProduceAsync("orders", new Message<string, string> { Key = "k", Value = "v" }));
        Assert.NotEqual(ErrorCode.NoError, refused.Error.Code);
    }

    private int Sessions(string serial) => fixture.Cluster.InProcess().Sessions.Count(s => s.ClientCertificate?.SerialNumber == serial);

    public void Dispose() => _files.Dispose();
}

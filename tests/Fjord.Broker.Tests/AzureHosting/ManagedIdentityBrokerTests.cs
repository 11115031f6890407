using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Broker.Tests.Observability;
using Fjord.Broker.Tests.Security;
using Fjord.Testing;
using Xunit.Abstractions;

namespace Fjord.Broker.Tests.AzureHosting;

/// <summary>
/// Brokers configured as in Azure — environment variables only, the set infra/modules/broker.bicep produces — reach
/// Table and Blob storage by endpoint with a managed-identity token, through the very code path they take in Container
/// Apps: DefaultAzureCredential finds IDENTITY_ENDPOINT and IDENTITY_HEADER, asks the token endpoint for
/// https://storage.azure.com as the identity AZURE_CLIENT_ID names, and Azurite (HTTPS, <c>--oauth basic</c>) accepts
/// the bearer token while it refuses requests that carry none.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed partial class ManagedIdentityBrokerTests(ITestOutputHelper output)
{
    // main.bicep's default brokerCount, so its derived settings (replication factor 3, min ISR 2) are the real ones.
    private const int Brokers = 3;
    private const string TierContainer = "fjord-tier";
    private const string StorageAudience = "https://storage.azure.com";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>
    /// What the Bicep does not set and a SASL_SSL inter-broker listener needs: the broker's own SCRAM login, the users
    /// it creates at start and the super users. Kept apart so the test shows the gap rather than hiding it.
    /// </summary>
    [Fact]
    public async Task BrokersConfiguredByTheEnvironmentAloneUseAManagedIdentityForStorageServeClientsAndExportMetrics()
    {
        using var security = new TestSecurity();
        // Azurite serves HTTPS with the test CA's certificate for 127.0.0.1: bearer tokens travel only over TLS.
        await using var azurite = await AzuriteHost.StartAsync(new AzuriteOptions
        {
            Https = (security.Files.CertificateChainPath, security.Files.KeyPath),
            OAuth = true,
        });
        await using var identity = await ManagedIdentityEndpoint.StartAsync();
        using var http = TrustingOnly(security.CaPath);

        await AssertAzuriteWantsATokenAsync(http, azurite);

        var ports = FreePort.Next(2 * Brokers);
        var clientIds = Enumerable.Range(0, Brokers).Select(_ => Guid.NewGuid().ToString()).ToArray();
        var logDirs = Enumerable.Range(0, Brokers).Select(_ => new TempDirectory("fjord-azure-broker")).ToArray();
        var brokers = new List<EnvironmentConfiguredBroker>();
        try
        {
            for (var id = 0; id < Brokers; id++)
            {
                var environment = AzureEnvironment(id, ports[id], ports[Brokers + id], logDirs[id].Path, azurite, security, clientIds[id], identity);
                AssertItIsTheBicepSet(environment.Keys);
                brokers.Add(EnvironmentConfiguredBroker.Launch(environment));
            }
            foreach (var broker in brokers)
                await broker.WaitForReadyAsync(StartTimeout);

            for (var id = 0; id < Brokers; id++)
            {
                var admin = new Uri($"http://127.0.0.1:{ports[Brokers + id].ToString(CultureInfo.InvariantCulture)}");
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(admin, "/health/live"))).StatusCode);
                await Poll.UntilAsync(async () => (await http.GetAsync(new Uri(admin, "/health/ready"))).StatusCode == HttpStatusCode.OK,
                    Deadline, $"broker {id}'s /health/ready to answer 200");
            }

            var client = new SecureClient("SASL_SSL admin", new ClientConfig
            {
                BootstrapServers = string.Join(',', ports.Take(Brokers).Select(p => $"127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)}")),
                SecurityProtocol = SecurityProtocol.SaslSsl,
                SslCaLocation = security.CaPath,
                SaslMechanism = SaslMechanism.ScramSha512,
                SaslUsername = TestSecurity.AdminUser,
                SaslPassword = TestSecurity.AdminPassword,
                SocketTimeoutMs = 10_000,
            });
            const string topic = "identity-proof";
            using (var admin = client.Admin())
            {
                await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 3, ReplicationFactor = Brokers }],
                    new CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(30) });
            }
            await SecureRoundTrip.RoundTripAsync(client, topic, topic + "-group", 100);

            // The metrics the container's scrape or Azure Monitor sees: the leaders of the topic's partitions counted
            // what the producer sent, and timed its Produce requests.
            var scrapes = new List<PrometheusText>();
            for (var id = 0; id < Brokers; id++)
                scrapes.Add(PrometheusText.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{ports[Brokers + id].ToString(CultureInfo.InvariantCulture)}/metrics"))));
            Assert.Equal(100, scrapes.Sum(m => m.Sum(PrometheusNames.MessagesIn, ("topic", topic))));
            Assert.True(scrapes.Sum(m => m.Sum(PrometheusNames.BytesIn, ("topic", topic))) > 100 * 10, "no bytes in counted for the topic");
            Assert.True(scrapes.Sum(m => m.Sum(PrometheusNames.RequestTimeCount, ("request", "Produce"))) > 0, "no Produce request timed");

            // Every broker process asked for a storage token as its own identity, with the platform's secret.
            var requests = identity.Requests;
            Assert.Equal(0, identity.Refused);
            Assert.All(requests, r => Assert.Equal(StorageAudience, r.Resource.TrimEnd('/')));
            Assert.Equal(clientIds.Order(StringComparer.Ordinal), requests.Select(r => r.ClientId).Distinct().Order(StringComparer.Ordinal));
            foreach (var group in requests.GroupBy(r => r.ClientId))
                output.WriteLine($"identity {group.Key}: {group.Count()} token requests");
            // The tier's container exists: the Blob client created it with a token too.
            Assert.Equal(HttpStatusCode.OK,
                (await SendAsync(http, new Uri($"{azurite.BlobEndpoint}/{TierContainer}?restype=container"), Bearer(clientIds[0]), blob: true)).StatusCode);
        }
        catch (Exception e)
        {
            // The brokers' own words are the only clue to what went wrong in another process.
            throw new InvalidOperationException($"{e.Message}\n{Logs(brokers)}", e);
        }
        finally
        {
            foreach (var broker in brokers)
                await broker.DisposeAsync();
            foreach (var dir in logDirs)
                dir.Dispose();
        }
    }

    /// <summary>
    /// Exactly what broker.bicep sets for a broker (TLS secrets present), with loopback addresses and free ports; plus
    /// what the Container Apps platform adds for a managed identity (IDENTITY_ENDPOINT, IDENTITY_HEADER) and, for this
    /// test only, SSL_CERT_FILE so the broker trusts Azurite's test certificate as it trusts Azure Storage's public one.
    /// </summary>
    private static Dictionary<string, string> AzureEnvironment(int nodeId, int port, int adminPort, string logDir, AzuriteHost azurite,
        TestSecurity security, string clientId, ManagedIdentityEndpoint identity) => new(StringComparer.Ordinal)
        {
            ["FJORD_NODE_ID"] = nodeId.ToString(CultureInfo.InvariantCulture),
            ["FJORD_LISTENERS"] = $"BROKER://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            ["FJORD_ADVERTISED_LISTENERS"] = $"BROKER://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            ["FJORD_LISTENER_SECURITY_PROTOCOL_MAP"] = "BROKER:SASL_SSL",
            ["FJORD_INTER_BROKER_LISTENER_NAME"] = "BROKER",
            ["FJORD_LOG_DIRS"] = logDir,
            ["FJORD_FJORD_ADMIN_LISTENER"] = $"http://127.0.0.1:{adminPort.ToString(CultureInfo.InvariantCulture)}",
            ["FJORD_DEFAULT_REPLICATION_FACTOR"] = Brokers.ToString(CultureInfo.InvariantCulture),
            ["FJORD_MIN_INSYNC_REPLICAS"] = "2",
            ["FJORD_FJORD_METADATA_TABLE_ENDPOINT"] = azurite.TableEndpoint.ToString(),
            ["FJORD_FJORD_TIERING_TABLE_ENDPOINT"] = azurite.TableEndpoint.ToString(),
            ["FJORD_FJORD_TIERING_BLOB_ENDPOINT"] = azurite.BlobEndpoint.ToString(),
            ["FJORD_FJORD_TIERING_CONTAINER"] = TierContainer,
            ["AZURE_CLIENT_ID"] = clientId,
            // Its exporter is not the subject here; an empty value is what an environment without Application Insights has.
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "",
            ["FJORD_SSL_KEYSTORE_TYPE"] = "PEM",
            ["FJORD_SSL_KEYSTORE_LOCATION"] = security.Files.KeystorePath,
            ["FJORD_SSL_TRUSTSTORE_TYPE"] = "PEM",
            ["FJORD_SSL_TRUSTSTORE_LOCATION"] = security.CaPath,
            ["FJORD_SASL_ENABLED_MECHANISMS"] = "SCRAM-SHA-512,SCRAM-SHA-256,PLAIN",
            ["FJORD_SASL_MECHANISM_INTER_BROKER_PROTOCOL"] = "SCRAM-SHA-512",
            ["FJORD_LISTENER_NAME_BROKER_SCRAM__SHA__512_SASL_JAAS_CONFIG"] =
                $"org.apache.kafka.common.security.scram.ScramLoginModule required username=\"{TestSecurity.BrokerUser}\" password=\"{TestSecurity.BrokerPassword}\";",
            ["FJORD_FJORD_SASL_BOOTSTRAP_USERS"] = security.BootstrapUsersPath,
            ["FJORD_AUTHORIZER_CLASS_NAME"] = "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            // broker.bicep names only the brokers' own user; the test's client is the bootstrap file's admin.
            ["FJORD_SUPER_USERS"] = $"User:{TestSecurity.AdminUser};User:{TestSecurity.BrokerUser}",
            ["IDENTITY_ENDPOINT"] = identity.Endpoint.ToString(),
            ["IDENTITY_HEADER"] = identity.Secret,
            ["SSL_CERT_FILE"] = security.CaPath,
        };

    /// <summary>Every variable broker.bicep sets (but the rack, empty without zones) is here, and nothing beyond it but the platform's.</summary>
    private static void AssertItIsTheBicepSet(IEnumerable<string> names)
    {
        var bicep = BicepVariable().Matches(File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "infra", "modules", "broker.bicep")))
            .Select(m => m.Groups[1].Value).Where(n => n != "FJORD_BROKER_RACK").ToHashSet(StringComparer.Ordinal);
        var platform = new HashSet<string>(["IDENTITY_ENDPOINT", "IDENTITY_HEADER", "SSL_CERT_FILE"], StringComparer.Ordinal);
        var set = names.ToHashSet(StringComparer.Ordinal);
        Assert.Empty(bicep.Except(set));
        Assert.Empty(set.Except(bicep).Except(platform));
    }

    /// <summary>Azurite refuses Table and Blob requests without credentials and accepts them with a token like the endpoint's.</summary>
    private static async Task AssertAzuriteWantsATokenAsync(HttpClient http, AzuriteHost azurite)
    {
        var tables = new Uri($"{azurite.TableEndpoint}/Tables");
        var containers = new Uri($"{azurite.BlobEndpoint}?comp=list");
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, tables, authorization: null, blob: false)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, containers, authorization: null, blob: true)).StatusCode);
        var token = Bearer(Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, tables, token, blob: false)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, containers, token, blob: true)).StatusCode);
    }

    private static AuthenticationHeaderValue Bearer(string clientId) => new("Bearer", ManagedIdentityEndpoint.Token(StorageAudience, clientId));

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, Uri uri, AuthenticationHeaderValue? authorization, bool blob)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = authorization;
        request.Headers.Add("x-ms-version", blob ? "2021-12-02" : "2019-02-02");
        request.Headers.Add("x-ms-date", DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture));
        if (!blob) request.Headers.Accept.ParseAdd("application/json;odata=nometadata");
        return await http.SendAsync(request);
    }

    /// <summary>An HTTP client that trusts the test CA alone, for Azurite's HTTPS.</summary>
    private static HttpClient TrustingOnly(string caPath)
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caPath));
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                if (certificate is null) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    private static string Logs(IEnumerable<EnvironmentConfiguredBroker> brokers) =>
        string.Join('\n', brokers.Select((b, i) => $"--- broker {i}\n{string.Join('\n', b.Output.Split('\n').TakeLast(150))}"));

    [GeneratedRegex(@"name: '([A-Z][A-Z0-9_]*)'")]
    private static partial Regex BicepVariable();
}

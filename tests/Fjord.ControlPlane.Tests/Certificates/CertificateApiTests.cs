using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Fjord.ControlPlane.Certificates;
using Fjord.ControlPlane.Tests.Functions;
using Fjord.Security.Tls;

namespace Fjord.ControlPlane.Tests.Certificates;

/// <summary>
/// The cluster CA and tenants' certificates through the API: what is signed is what the control plane decides, the
/// registry lists it, a revocation lands in the table the brokers read, and bad input is a 4xx that writes nothing.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class CertificateApiTests(ControlPlaneFixture plane)
{
    private static string NewId() => "c" + Guid.NewGuid().ToString("N")[..10];

    private async Task<string> TenantAsync()
    {
        var id = NewId();
        using var client = plane.Client(plane.OperatorKey);
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}", "{}")).AssertStatus(HttpStatusCode.Created);
        return id;
    }

    private static string SignBody(string user, string csr, int? validityDays = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?> { ["user"] = user, ["csr"] = csr, ["validityDays"] = validityDays });

    private async Task<int> RegisteredAsync(string tenant) => (await (await RegistryAsync()).ListAsync(tenant, CancellationToken.None)).Count;

    /// <summary>The registry the control plane writes; created here too, since a test may read it before the first signature does.</summary>
    private async Task<CertificateRegistry> RegistryAsync()
    {
        var registry = new CertificateRegistry(plane.Service, plane.CertificateTable);
        await registry.InitializeAsync(CancellationToken.None);
        return registry;
    }

    private TableCertificateRevocationStore Revocations => new(plane.Service, plane.RevocationTable);

    [Fact]
    public async Task TheClusterCaIsServedToAnyKey()
    {
        var tenant = await TenantAsync();
        var tenantKey = (await plane.ApiKeys.CreateTenantKeyAsync(tenant, TimeSpan.FromHours(1), "ca", CancellationToken.None)).Secret;
        using var client = plane.Client(tenantKey);

        var ca = await ApiCall.SendAsync(client, HttpMethod.Get, "/api/v1/cluster/ca");

        ca.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(plane.CaCertificate.Trim(), ca.Json.GetProperty("certificatePem").GetString()!.Trim());
        Assert.Equal("CN=Fjord Local CA,O=Fjord", ca.Json.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task ASignedCsrBecomesTheUsersCertificateListedAndRevokedIntoTheBrokersTable()
    {
        var tenant = await TenantAsync();
        using var client = plane.Client(plane.OperatorKey);
        var (_, csr) = TestCsr.NewKeyAndCsr("CN=admin,O=someone-else");

        var signed = await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{tenant}/certificates", SignBody("app1", csr, 30));

        signed.AssertStatus(HttpStatusCode.Created);
        var serial = signed.Json.GetProperty("serialNumber").GetString()!;
        Assert.Equal($"/api/v1/tenants/{tenant}/certificates/{serial}", signed.Headers.Location?.ToString());
        Assert.Equal($"CN=app1,O={tenant}", signed.Json.GetProperty("subject").GetString());
        using var certificate = X509Certificate2.CreateFromPem(signed.Json.GetProperty("certificatePem").GetString()!);
        Assert.Equal(serial, CertificateIdentity.From(certificate).SerialNumber);
        Assert.InRange(certificate.NotAfter.ToUniversalTime(), DateTime.UtcNow.AddDays(29), DateTime.UtcNow.AddDays(31));
        var chain = signed.Json.GetProperty("chainPem").GetString()!;
        Assert.Equal(2, chain.Split("-----BEGIN CERTIFICATE-----").Length - 1);
        Assert.Equal(plane.CaCertificate.Trim(), signed.Json.GetProperty("caCertificatePem").GetString()!.Trim());

        var list = await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/certificates");
        list.AssertStatus(HttpStatusCode.OK);
        var item = Assert.Single(list.Json.GetProperty("items").EnumerateArray());
        Assert.Equal(serial, item.GetProperty("serialNumber").GetString());
        Assert.Equal("app1", item.GetProperty("user").GetString());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("revokedAt").ValueKind);

        var revoked = await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/tenants/{tenant}/certificates/{serial}");
        revoked.AssertStatus(HttpStatusCode.OK);
        var revokedAt = revoked.Json.GetProperty("revokedAt").GetDateTimeOffset();
        var (stored, _) = await Revocations.LoadAsync(CancellationToken.None);
        var revocation = Assert.Single(stored, r => r.Certificate.SerialNumber == serial);
        Assert.Equal(CertificateIdentity.From(certificate), revocation.Certificate);
        Assert.Equal(revokedAt, revocation.RevokedAt);

        // Revoking again, with the serial spelt as openssl prints it, is the same answer and no second revocation.
        var colons = string.Join(':', serial.Chunk(2).Select(c => new string(c))).ToLowerInvariant();
        var again = await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/tenants/{tenant}/certificates/{colons}");
        again.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(revokedAt, again.Json.GetProperty("revokedAt").GetDateTimeOffset());
        Assert.Equal(revoked.ETag, again.ETag);
        var get = await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/certificates/{serial}");
        get.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(revokedAt, get.Json.GetProperty("revokedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task ATenantKeySignsForItsOwnTenantButNotForAnotherNorBrokerCertificates()
    {
        var mine = await TenantAsync();
        var theirs = await TenantAsync();
        var key = (await plane.ApiKeys.CreateTenantKeyAsync(mine, TimeSpan.FromHours(1), "certs", CancellationToken.None)).Secret;
        using var client = plane.Client(key);
        var (_, csr) = TestCsr.NewKeyAndCsr();

        (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{mine}/certificates", SignBody("app1", csr))).AssertStatus(HttpStatusCode.Created);
        var serial = await SomeSerialAsync(mine);

        (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{theirs}/certificates", SignBody("app1", csr))).AssertProblem(HttpStatusCode.Forbidden);
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{theirs}/certificates")).AssertProblem(HttpStatusCode.Forbidden);
        (await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/tenants/{theirs}/certificates/{serial}")).AssertProblem(HttpStatusCode.Forbidden);
        // Another tenant's path does not reach this tenant's certificate either.
        using var operatorClient = plane.Client(plane.OperatorKey);
        (await ApiCall.SendAsync(operatorClient, HttpMethod.Delete, $"/api/v1/tenants/{theirs}/certificates/{serial}")).AssertProblem(HttpStatusCode.NotFound);
        var broker = await ApiCall.SendAsync(client, HttpMethod.Post, "/api/v1/cluster/certificates/brokers", """{"hosts": ["broker-0"]}""");
        Assert.Contains("operator", broker.AssertProblem(HttpStatusCode.Forbidden), StringComparison.Ordinal);

        Assert.Equal(0, await RegisteredAsync(theirs));
        Assert.Equal(1, await RegisteredAsync(mine));
        await Revocations.InitializeAsync(CancellationToken.None);
        Assert.DoesNotContain((await Revocations.LoadAsync(CancellationToken.None)).Revocations, r => r.Certificate.SerialNumber == serial);
    }

    [Theory]
    [InlineData("""{"user": "app1"}""", HttpStatusCode.BadRequest, "csr")]
    [InlineData("""{"user": "app1", "csr": "x", "subject": "CN=root"}""", HttpStatusCode.BadRequest, "subject")]
    [InlineData("""{"user": 5, "csr": "x"}""", HttpStatusCode.BadRequest, "user")]
    [InlineData("""{"user": "app1", "csr": "hello"}""", HttpStatusCode.UnprocessableEntity, "PKCS#10")]
    [InlineData("not json", HttpStatusCode.BadRequest, "JSON")]
    public async Task AMalformedSignRequestIsRefusedAndNothingIsRegistered(string body, HttpStatusCode status, string mentioned)
    {
        var tenant = await TenantAsync();
        using var client = plane.Client(plane.OperatorKey);

        var refused = await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{tenant}/certificates", body);

        Assert.Contains(mentioned, refused.AssertProblem(status), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await RegisteredAsync(tenant));
    }

    [Fact]
    public async Task BadCsrsUserNamesAndValiditiesAreRefusedWithWhatToFix()
    {
        var tenant = await TenantAsync();
        using var client = plane.Client(plane.OperatorKey);
        var (_, good) = TestCsr.NewKeyAndCsr();
        var path = $"/api/v1/tenants/{tenant}/certificates";

        async Task<string> RefusedAsync(string body) =>
            (await ApiCall.SendAsync(client, HttpMethod.Post, path, body)).AssertProblem(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("signature", await RefusedAsync(SignBody("app1", TestCsr.WithBadSignature())), StringComparison.Ordinal);
        Assert.Contains("1024 bits", await RefusedAsync(SignBody("app1", TestCsr.Rsa(1024))), StringComparison.Ordinal);
        Assert.Contains("P-256", await RefusedAsync(SignBody("app1", TestCsr.Ec(ECCurve.NamedCurves.nistP521))), StringComparison.Ordinal);
        Assert.Contains("at most", await RefusedAsync(SignBody(new string('u', 300), good)), StringComparison.Ordinal);
        Assert.Contains("contains", await RefusedAsync(SignBody("app1,O=other", good)), StringComparison.Ordinal);
        Assert.Contains("397", await RefusedAsync(SignBody("app1", good, 398)), StringComparison.Ordinal);
        Assert.Contains("397", await RefusedAsync(SignBody("app1", good, 0)), StringComparison.Ordinal);
        Assert.Equal(0, await RegisteredAsync(tenant));

        (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{NewId()}/certificates", SignBody("app1", good))).AssertProblem(HttpStatusCode.NotFound);
        (await ApiCall.SendAsync(client, HttpMethod.Delete, $"{path}/not-hex")).AssertProblem(HttpStatusCode.UnprocessableEntity);
        (await ApiCall.SendAsync(client, HttpMethod.Delete, $"{path}/4ABC")).AssertProblem(HttpStatusCode.NotFound);
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"{path}/4ABC")).AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ASuspendedTenantGetsNoNewCertificates()
    {
        var tenant = await TenantAsync();
        using var client = plane.Client(plane.OperatorKey);
        (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{tenant}/suspend")).AssertStatus(HttpStatusCode.OK);

        var refused = await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{tenant}/certificates", SignBody("app1", TestCsr.NewKeyAndCsr().CsrPem));

        Assert.Contains("suspended", refused.AssertProblem(HttpStatusCode.Conflict), StringComparison.Ordinal);
        Assert.Equal(0, await RegisteredAsync(tenant));
    }

    [Fact]
    public async Task AnOperatorIssuesABrokerCertificateWithItsKeyOnceAndBadHostsAreRefused()
    {
        using var client = plane.Client(plane.OperatorKey);

        var issued = await ApiCall.SendAsync(client, HttpMethod.Post, "/api/v1/cluster/certificates/brokers", """{"hosts": ["broker-0.fjord.internal", "10.0.0.4"], "validityDays": 30}""");

        issued.AssertStatus(HttpStatusCode.Created);
        using var certificate = X509Certificate2.CreateFromPem(issued.Json.GetProperty("chainPem").GetString()!, issued.Json.GetProperty("privateKeyPem").GetString()!);
        Assert.True(certificate.MatchesHostname("broker-0.fjord.internal", allowWildcards: false, allowCommonName: false));
        Assert.True(certificate.MatchesHostname("10.0.0.4", allowWildcards: false, allowCommonName: false));
        var registered = await (await RegistryAsync()).GetAsync(null, issued.Json.GetProperty("serialNumber").GetString()!, CancellationToken.None);
        Assert.Equal(["broker-0.fjord.internal", "10.0.0.4"], registered!.Hosts);

        foreach (var body in new[] { """{"hosts": []}""", """{"hosts": ["*.fjord.internal"]}""", """{"hosts": ["a b"]}""", """{"hosts": ["ok"], "validityDays": 400}""" })
            (await ApiCall.SendAsync(client, HttpMethod.Post, "/api/v1/cluster/certificates/brokers", body)).AssertProblem(HttpStatusCode.UnprocessableEntity);
        (await ApiCall.SendAsync(client, HttpMethod.Post, "/api/v1/cluster/certificates/brokers", """{"hosts": ["ok"], "key": "mine"}""")).AssertProblem(HttpStatusCode.BadRequest);

        var serial = issued.Json.GetProperty("serialNumber").GetString()!;
        var listed = await ApiCall.SendAsync(client, HttpMethod.Get, "/api/v1/cluster/certificates/brokers?limit=1000");
        listed.AssertStatus(HttpStatusCode.OK);
        Assert.Contains(listed.Json.GetProperty("items").EnumerateArray(), i => i.GetProperty("serialNumber").GetString() == serial);
        Assert.DoesNotContain("PRIVATE KEY", listed.Body, StringComparison.Ordinal);
        var revoked = await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/cluster/certificates/brokers/{serial}");
        revoked.AssertStatus(HttpStatusCode.OK);
        await Revocations.InitializeAsync(CancellationToken.None);
        Assert.Contains((await Revocations.LoadAsync(CancellationToken.None)).Revocations, r => r.Certificate == CertificateIdentity.From(certificate));
        (await ApiCall.SendAsync(client, HttpMethod.Delete, "/api/v1/cluster/certificates/brokers/4ABC")).AssertProblem(HttpStatusCode.NotFound);

        var tenantKey = (await plane.ApiKeys.CreateTenantKeyAsync(await TenantAsync(), TimeSpan.FromHours(1), "brokers", CancellationToken.None)).Secret;
        using var tenantClient = plane.Client(tenantKey);
        (await ApiCall.SendAsync(tenantClient, HttpMethod.Get, "/api/v1/cluster/certificates/brokers")).AssertProblem(HttpStatusCode.Forbidden);
        (await ApiCall.SendAsync(tenantClient, HttpMethod.Delete, $"/api/v1/cluster/certificates/brokers/{serial}")).AssertProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task DeletingATenantRevokesItsCertificatesSoATenantOfTheSameIdCannotInheritThem()
    {
        var tenant = await TenantAsync();
        using var client = plane.Client(plane.OperatorKey);
        var signed = await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{tenant}/certificates", SignBody("app1", TestCsr.NewKeyAndCsr().CsrPem));
        signed.AssertStatus(HttpStatusCode.Created);
        var serial = signed.Json.GetProperty("serialNumber").GetString()!;

        (await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/tenants/{tenant}")).AssertStatus(HttpStatusCode.Accepted);

        await Revocations.InitializeAsync(CancellationToken.None);
        Assert.Contains((await Revocations.LoadAsync(CancellationToken.None)).Revocations, r => r.Certificate.SerialNumber == serial);
        Assert.NotNull(Assert.Single(await (await RegistryAsync()).ListAsync(tenant, CancellationToken.None)).RevokedAt);
    }

    [Fact]
    public async Task TheListPagesInSerialOrder()
    {
        var tenant = await TenantAsync();
        using var client = plane.Client(plane.OperatorKey);
        for (var i = 0; i < 3; i++)
            (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{tenant}/certificates", SignBody($"app{i}", TestCsr.NewKeyAndCsr().CsrPem))).AssertStatus(HttpStatusCode.Created);

        var first = await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/certificates?limit=2");
        first.AssertStatus(HttpStatusCode.OK);
        var next = first.Json.GetProperty("next").GetString();
        var second = await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/certificates?limit=2&continuation={next}");
        second.AssertStatus(HttpStatusCode.OK);

        var serials = first.Json.GetProperty("items").EnumerateArray().Concat(second.Json.GetProperty("items").EnumerateArray())
            .Select(i => i.GetProperty("serialNumber").GetString()!).ToList();
        Assert.Equal(3, serials.Count);
        Assert.Equal(serials.Order(StringComparer.Ordinal), serials);
        Assert.Equal(JsonValueKind.Null, second.Json.GetProperty("next").ValueKind);
    }

    private async Task<string> SomeSerialAsync(string tenant) =>
        (await (await RegistryAsync()).ListAsync(tenant, CancellationToken.None))[0].SerialNumber;
}

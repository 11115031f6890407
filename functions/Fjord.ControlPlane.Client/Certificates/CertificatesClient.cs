using System.Net;
using System.Runtime.CompilerServices;

namespace Fjord.ControlPlane.Client.Certificates;

/// <summary>
/// The cluster CA (<c>/api/v1/cluster/ca</c>), a tenant's certificates (<c>/api/v1/tenants/{tenant}/certificates</c>:
/// sign a CSR, list, get, revoke) and brokers' certificates (<c>/api/v1/cluster/certificates/brokers</c>, operators only).
/// </summary>
public sealed class CertificatesClient
{
    public const string CaRoute = "v1/cluster/ca";
    public const string BrokerRoute = "v1/cluster/certificates/brokers";

    private readonly ControlPlaneClient _client;

    public CertificatesClient(ControlPlaneClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    public async Task<CaCertificateModel> GetCaAsync(CancellationToken ct = default) =>
        (await _client.SendForValueAsync<CaCertificateModel>(HttpMethod.Get, CaRoute, null, null, ct).ConfigureAwait(false)).Value;

    /// <summary>Signs <paramref name="csrPem"/> (PKCS#10) as <paramref name="user"/> of <paramref name="tenant"/>; null validity: the server's default (90 days).</summary>
    public async Task<SignedCertificateModel> SignAsync(string tenant, string user, string csrPem, int? validityDays = null, CancellationToken ct = default) =>
        (await _client.SendForValueAsync<SignedCertificateModel>(HttpMethod.Post, CollectionRoute(tenant), new SignBody(user, csrPem, validityDays), null, ct).ConfigureAwait(false)).Value;

    public async Task<CertificatePageModel> ListPageAsync(string tenant, int? limit = null, string? continuation = null, CancellationToken ct = default)
    {
        var route = new RouteBuilder(CollectionRoute(tenant)).Query("limit", limit).Query("continuation", continuation).ToString();
        return (await _client.SendForValueAsync<CertificatePageModel>(HttpMethod.Get, route, null, null, ct).ConfigureAwait(false)).Value;
    }

    /// <summary>Every certificate of the tenant, revoked ones included, page after page.</summary>
    public async IAsyncEnumerable<CertificateModel> ListAllAsync(string tenant, int? pageSize = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        string? continuation = null;
        do
        {
            var page = await ListPageAsync(tenant, pageSize, continuation, ct).ConfigureAwait(false);
            foreach (var certificate in page.Items) yield return certificate;
            continuation = page.Next;
        }
        while (continuation is not null);
    }

    /// <returns>The certificate, or null when the tenant has none of this serial number.</returns>
    public async Task<CertificateModel?> GetAsync(string tenant, string serialNumber, CancellationToken ct = default) =>
        (await _client.SendAsync<CertificateModel>(HttpMethod.Get, ItemRoute(tenant, serialNumber), null, null, [HttpStatusCode.OK, HttpStatusCode.NotFound], ct).ConfigureAwait(false)).Value;

    /// <summary>Revokes the certificate (again: the same answer); brokers close its connections within seconds.</summary>
    public async Task<CertificateModel> RevokeAsync(string tenant, string serialNumber, CancellationToken ct = default) =>
        (await _client.SendForValueAsync<CertificateModel>(HttpMethod.Delete, ItemRoute(tenant, serialNumber), null, null, ct).ConfigureAwait(false)).Value;

    /// <summary>A broker certificate and key for <paramref name="hosts"/> (operator key only).</summary>
    public async Task<BrokerCertificateModel> IssueBrokerCertificateAsync(IReadOnlyList<string> hosts, int? validityDays = null, CancellationToken ct = default) =>
        (await _client.SendForValueAsync<BrokerCertificateModel>(HttpMethod.Post, BrokerRoute, new BrokerBody(hosts, validityDays), null, ct).ConfigureAwait(false)).Value;

    private static string CollectionRoute(string tenant) => $"v1/tenants/{Uri.EscapeDataString(tenant)}/certificates";

    private static string ItemRoute(string tenant, string serialNumber) => CollectionRoute(tenant) + "/" + Uri.EscapeDataString(serialNumber);

    private sealed record SignBody(string User, string Csr, int? ValidityDays);

    private sealed record BrokerBody(IReadOnlyList<string> Hosts, int? ValidityDays);
}

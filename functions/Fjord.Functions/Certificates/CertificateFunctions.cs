using System.Security.Cryptography.X509Certificates;
using Fjord.ControlPlane.ApiKeys;
using Fjord.ControlPlane.Certificates;
using Fjord.Functions.Http;
using Fjord.Functions.OpenApi;
using Fjord.Security.Tenancy;
using Fjord.Security.Tls;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Fjord.Functions.Certificates;

/// <summary>
/// The cluster CA and the certificates it signs. <c>GET /api/v1/cluster/ca</c>: the CA certificate, for any valid key.
/// <c>/api/v1/tenants/{tenant}/certificates</c>: sign a tenant's CSR for mutual TLS (POST), list (paged), get and revoke
/// (DELETE; idempotent: the brokers refuse the certificate at the next handshake and close its connections within
/// about two seconds). Operator keys may do all of it on every tenant; a tenant key on its own tenant, as it may create
/// that tenant's users anyway. <c>/api/v1/cluster/certificates/brokers</c>: issue a broker's certificate and key (POST),
/// list (GET) and revoke (DELETE <c>…/{serial}</c>), operator keys only.
/// </summary>
/// <remarks>
/// The control plane decides what a certificate says, whatever the CSR asks for: subject <c>CN=user,O=tenant</c> (the
/// brokers' mapping rule <c>RULE:^CN=(.*?),O=(.*?)$/$2.$1/</c> makes it the principal <c>tenant.user</c>), clientAuth
/// only, not a CA, 1 to 397 days. CSRs must verify with their own key, which must be RSA of 2048 bits or more or EC on
/// P-256 or P-384. 404 when this control plane has no CA configured, 503 when it has one it cannot read.
/// </remarks>
public sealed class CertificateFunctions(ApiRequests api, CertificateAdministration certificates)
{
    public const string CaRoute = "v1/cluster/ca";
    public const string CollectionRoute = "v1/tenants/{tenant}/certificates";
    public const string ItemRoute = CollectionRoute + "/{serial}";
    public const string BrokerRoute = "v1/cluster/certificates/brokers";

    [Function("GetClusterCa")]
    [ApiResponse(200, typeof(CaCertificateResource), "The cluster CA certificate (PEM) that clients trust")]
    public Task<IActionResult> GetClusterCa([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = CaRoute)] HttpRequest request) =>
        RunAsync(request, async (_, ct) =>
        {
            var pem = await certificates.GetCaCertificatePemAsync(ct).ConfigureAwait(false);
            using var ca = X509Certificate2.CreateFromPem(pem);
            return ApiResult.Ok(new CaCertificateResource(pem, DistinguishedNameFormatter.ToRfc2253(ca.SubjectName), new DateTimeOffset(ca.NotAfter.ToUniversalTime())));
        });

    /// <summary>Signs the CSR as the tenant's user: 201 with the certificate, its chain and the CA.</summary>
    [Function("SignCertificate")]
    [ApiRequestBody(typeof(SignCertificateBody))]
    [ApiResponse(201, typeof(SignedCertificateResource), "Signed: the certificate, the chain to send and the CA to trust")]
    public Task<IActionResult> SignCertificate([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = CollectionRoute)] HttpRequest request, string tenant) =>
        RunAsync(request, async (caller, ct) =>
        {
            Authorize(caller, tenant);
            var body = await ApiRequests.ReadBodyAsync<SignCertificateBody>(request, ct).ConfigureAwait(false);
            var signed = await certificates.SignAsync(tenant, body.User, body.Csr, body.ValidityDays, ct).ConfigureAwait(false);
            return ApiResult.Created(SignedCertificateResource.From(signed), ETagOf(signed.Record), Location(tenant, signed.Record.SerialNumber));
        });

    [Function("ListCertificates")]
    [ApiQuery("limit", typeof(int), "Page size, 1 to 1000 (default 100)")]
    [ApiQuery("continuation", typeof(string), "The next of the previous page")]
    [ApiResponse(200, typeof(CertificatePage), "A page of the tenant's certificates, revoked ones included")]
    public Task<IActionResult> ListCertificates([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = CollectionRoute)] HttpRequest request, string tenant) =>
        RunAsync(request, async (caller, ct) =>
        {
            Authorize(caller, tenant);
            // The limit is checked before storage is read: a bad one costs no query.
            Paging.PageSize(request.Query["limit"]);
            var all = await certificates.ListAsync(tenant, ct).ConfigureAwait(false);
            var (page, next) = Paging.Page(all, c => c.SerialNumber, request.Query["limit"], request.Query["continuation"]);
            return ApiResult.Ok(new CertificatePage([.. page.Select(CertificateResource.From)], next));
        });

    [Function("GetCertificate")]
    [ApiResponse(200, typeof(CertificateResource), "The certificate (never its key)")]
    public Task<IActionResult> GetCertificate([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ItemRoute)] HttpRequest request, string tenant, string serial) =>
        RunAsync(request, async (caller, ct) =>
        {
            Authorize(caller, tenant);
            var found = await certificates.GetAsync(tenant, serial, ct).ConfigureAwait(false)
                ?? throw ApiProblemException.NotFound($"Tenant {tenant} has no certificate with serial number {serial}");
            return ApiResult.Ok(CertificateResource.From(found), ETagOf(found));
        });

    /// <summary>Revokes the certificate; revoking it again is the same answer.</summary>
    [Function("RevokeCertificate")]
    [ApiResponse(200, typeof(CertificateResource), "Revoked: brokers refuse it and close its connections within seconds")]
    public Task<IActionResult> RevokeCertificate([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = ItemRoute)] HttpRequest request, string tenant, string serial) =>
        RunAsync(request, async (caller, ct) =>
        {
            Authorize(caller, tenant);
            var revoked = await certificates.RevokeAsync(tenant, serial, ct).ConfigureAwait(false);
            return ApiResult.Ok(CertificateResource.From(revoked), ETagOf(revoked));
        });

    /// <summary>A broker certificate and its key, shown this once.</summary>
    [Function("IssueBrokerCertificate")]
    [ApiRequestBody(typeof(IssueBrokerCertificateBody))]
    [ApiResponse(201, typeof(BrokerCertificateResource), "Issued: the chain and the private key, shown this once")]
    public Task<IActionResult> IssueBrokerCertificate([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = BrokerRoute)] HttpRequest request) =>
        RunAsync(request, async (caller, ct) =>
        {
            ApiRequests.RequireOperator(caller, "issue broker certificates");
            var body = await ApiRequests.ReadBodyAsync<IssueBrokerCertificateBody>(request, ct).ConfigureAwait(false);
            var issued = await certificates.IssueBrokerCertificateAsync(body.Hosts, body.ValidityDays, ct).ConfigureAwait(false);
            return ApiResult.Created(BrokerCertificateResource.From(issued), ETagOf(issued.Record), $"/api/{BrokerRoute}/{issued.Record.SerialNumber}");
        });

    [Function("ListBrokerCertificates")]
    [ApiQuery("limit", typeof(int), "Page size, 1 to 1000 (default 100)")]
    [ApiQuery("continuation", typeof(string), "The next of the previous page")]
    [ApiResponse(200, typeof(BrokerCertificatePage), "A page of the brokers' certificates, revoked ones included (never keys)")]
    public Task<IActionResult> ListBrokerCertificates([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = BrokerRoute)] HttpRequest request) =>
        RunAsync(request, async (caller, ct) =>
        {
            ApiRequests.RequireOperator(caller, "list broker certificates");
            Paging.PageSize(request.Query["limit"]);
            var all = await certificates.ListBrokerCertificatesAsync(ct).ConfigureAwait(false);
            var (page, next) = Paging.Page(all, c => c.SerialNumber, request.Query["limit"], request.Query["continuation"]);
            return ApiResult.Ok(new BrokerCertificatePage([.. page.Select(BrokerCertificateInfo.From)], next));
        });

    /// <summary>Revokes a broker's certificate; revoking it again is the same answer.</summary>
    [Function("RevokeBrokerCertificate")]
    [ApiResponse(200, typeof(BrokerCertificateInfo), "Revoked: the brokers refuse it as a client within seconds")]
    public Task<IActionResult> RevokeBrokerCertificate([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = BrokerRoute + "/{serial}")] HttpRequest request, string serial) =>
        RunAsync(request, async (caller, ct) =>
        {
            ApiRequests.RequireOperator(caller, "revoke broker certificates");
            var revoked = await certificates.RevokeBrokerCertificateAsync(serial, ct).ConfigureAwait(false);
            return ApiResult.Ok(BrokerCertificateInfo.From(revoked), ETagOf(revoked));
        });

    /// <summary>The CA's absence or unreadability is the operator's to fix, not the caller's: 404 and 503, never a bare 500.</summary>
    private Task<IActionResult> RunAsync(HttpRequest request, Func<ApiKeyPrincipal, CancellationToken, Task<IActionResult>> handle) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            try
            {
                return await handle(caller, ct).ConfigureAwait(false);
            }
            catch (CertificateAuthorityUnavailableException e)
            {
                throw new ApiProblemException(e.Configured ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status404NotFound, e.Message);
            }
        });

    private static void Authorize(ApiKeyPrincipal caller, string tenant)
    {
        if (TenantNamespace.IdProblem(tenant) is { } problem) throw ApiProblemException.BadRequest(problem);
        ApiRequests.RequireAccess(caller, tenant);
    }

    /// <summary>A certificate changes once, when it is revoked.</summary>
    private static string ETagOf(CertificateRecord record) =>
        $"\"{record.SerialNumber}{(record.RevokedAt is { } at ? "-r" + at.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) : "")}\"";

    private static string Location(string tenant, string serial) => $"/api/v1/tenants/{tenant}/certificates/{serial}";
}

using Fjord.Functions.Http;

namespace Fjord.Functions.Certificates;

/// <summary>
/// The body of <c>POST /api/v1/tenants/{tenant}/certificates</c>: the tenant's user the certificate authenticates as,
/// the PEM of a PKCS#10 request holding the user's public key, and how many days it stays valid (default 90, at most 397).
/// </summary>
public sealed record SignCertificateBody(string User, string Csr, int? ValidityDays = null) : IRequestBody
{
    public static string Example => """{"user": "app1", "csr": "-----BEGIN CERTIFICATE REQUEST-----\n…\n-----END CERTIFICATE REQUEST-----\n", "validityDays": 90}""";
}

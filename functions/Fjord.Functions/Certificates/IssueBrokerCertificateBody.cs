using Fjord.Functions.Http;

namespace Fjord.Functions.Certificates;

/// <summary>
/// The body of <c>POST /api/v1/cluster/certificates/brokers</c>: the DNS names and IP addresses clients and other
/// brokers reach the broker at (the certificate's SANs), and its validity in days (default and at most 397).
/// </summary>
public sealed record IssueBrokerCertificateBody(IReadOnlyList<string> Hosts, int? ValidityDays = null) : IRequestBody
{
    public static string Example => """{"hosts": ["broker-0.fjord.internal", "10.0.0.4"], "validityDays": 397}""";
}

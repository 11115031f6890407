using Fjord.ControlPlane.Certificates;
using Fjord.Functions.Http;
using Fjord.Functions.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;

namespace Fjord.Functions.Cluster;

/// <summary>
/// <c>GET /api/v1/cluster/connection</c>: the bootstrap servers and CA certificate a client configuration needs, from
/// the app settings <c>FJORD_BOOTSTRAP_SERVERS</c> (the brokers' SASL_SSL listeners, <c>host:port,host:port</c>) and
/// the CA the control plane signs with (a PEM file locally, Key Vault in Azure), else <c>FJORD_CA_CERTIFICATE_PATH</c>
/// alone; no CA when neither is configured (the brokers' certificates are then publicly trusted).
/// Any valid key may read it, operator or tenant: it is what every client of the cluster is told anyway.
/// 404 when <c>FJORD_BOOTSTRAP_SERVERS</c> is not set; 503 when the CA cannot be read.
/// </summary>
public sealed class ClusterFunctions(ApiRequests api, IConfiguration configuration, CertificateAdministration certificates)
{
    public const string ConnectionRoute = "v1/cluster/connection";
    public const string BootstrapServersSetting = "FJORD_BOOTSTRAP_SERVERS";
    public const string CaCertificatePathSetting = "FJORD_CA_CERTIFICATE_PATH";

    /// <summary>A CA bundle is a few kilobytes; anything this big is the wrong file.</summary>
    private const long MaxCaBytes = 256 * 1024;

    [Function("GetClusterConnection")]
    [ApiResponse(200, typeof(ClusterConnectionResource), "Bootstrap servers and the CA certificate (PEM) clients trust")]
    public Task<IActionResult> GetClusterConnection([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ConnectionRoute)] HttpRequest request) =>
        api.RunAsync(request, async (_, ct) =>
        {
            var bootstrap = configuration[BootstrapServersSetting]?.Trim();
            if (string.IsNullOrEmpty(bootstrap))
                throw ApiProblemException.NotFound($"This control plane was not told the cluster's bootstrap servers; its operator sets {BootstrapServersSetting}");
            string? ca;
            try
            {
                ca = await certificates.GetCaCertificatePemAsync(ct).ConfigureAwait(false);
            }
            catch (CertificateAuthorityUnavailableException e) when (!e.Configured)
            {
                // A control plane that signs nothing may still be told the CA file the brokers' certificates chain to.
                ca = configuration[CaCertificatePathSetting]?.Trim() is { Length: > 0 } path ? await ReadCaFileAsync(path, ct).ConfigureAwait(false) : null;
            }
            catch (CertificateAuthorityUnavailableException e)
            {
                throw new ApiProblemException(StatusCodes.Status503ServiceUnavailable, e.Message);
            }
            return ApiResult.Ok(new ClusterConnectionResource(bootstrap, ca));
        });

    private static async Task<string> ReadCaFileAsync(string path, CancellationToken ct)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > MaxCaBytes)
                throw new ApiProblemException(StatusCodes.Status503ServiceUnavailable, $"{CaCertificatePathSetting} names a file of {info.Length} bytes, too big for a CA certificate; its operator fixes the setting");
            return await File.ReadAllTextAsync(path, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ApiProblemException(StatusCodes.Status503ServiceUnavailable, $"The CA certificate named by {CaCertificatePathSetting} cannot be read; its operator fixes the setting or the file");
        }
    }
}

using System.Net;
using Fjord.Functions;
using Fjord.Functions.LocalHost;
using Fjord.Testing;

namespace Fjord.ControlPlane.Tests.Functions;

/// <summary>
/// A control plane whose Table storage does not answer says so with a 503 problem and Retry-After, never a bare 500:
/// the caller learns that retrying later is the fix, and the log has the storage error.
/// </summary>
public sealed class StorageOutageTests
{
    [Fact]
    public async Task UnreachableStorageIsA503ProblemWithRetryAfter()
    {
        // A port nothing listens on: every storage call is refused at once.
        var deadPort = FreePort.Next();
        var connection = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            $"TableEndpoint=http://127.0.0.1:{deadPort}/devstoreaccount1;";
        await using var app = LocalControlPlane.Build(
        [
            "--urls", LocalControlPlane.DefaultUrls,
            $"--{ControlPlaneSettings.TableConnectionSetting}={connection}",
            "--Logging:LogLevel:Default=None",
        ]);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = LocalControlPlane.BoundAddresses(app).Single(), Timeout = TimeSpan.FromSeconds(120) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", "fjk.00000000000000000000." + new string('A', 43));

        var call = await ApiCall.SendAsync(client, HttpMethod.Get, "/api/v1/tenants");

        Assert.Contains("storage", call.AssertProblem(HttpStatusCode.ServiceUnavailable), StringComparison.Ordinal);
        Assert.Equal("5", call.Headers.RetryAfter?.ToString());
    }
}

using System.Diagnostics;
using System.Net;
using System.Reflection;
using Fjord.Functions;
using Fjord.Functions.LocalHost;
using Fjord.Testing;

namespace Fjord.ControlPlane.Tests.Functions;

/// <summary>The local host as fjord.sh starts it: a child process on a port the OS picks, announcing its URL on stdout.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class LocalHostProcessTests(ControlPlaneFixture plane)
{
    [Fact]
    public async Task TheLocalHostPrintsItsUrlAndServesTheApiThere()
    {
        var configuration = typeof(LocalHostProcessTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var dll = Path.Combine(RepositoryRoot.Find(), "functions", "Fjord.Functions.LocalHost", "bin", configuration, "net10.0", "Fjord.Functions.LocalHost.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment[ControlPlaneSettings.TableConnectionSetting] = plane.ConnectionString;
        start.Environment[ControlPlaneSettings.ApiKeyTableSetting] = plane.ApiKeyTable;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var host = Process.Start(start)!;
        try
        {
            var stderr = host.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            string? url = null;
            while (url is null && await host.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith(LocalControlPlane.ListeningLine, StringComparison.Ordinal))
                    url = line[LocalControlPlane.ListeningLine.Length..];
            }
            Assert.True(url is not null, "The local host exited without announcing its URL: " + (host.HasExited ? await stderr : ""));
            Assert.Matches(@"^http://127\.0\.0\.1:\d+$", url);

            using var client = plane.Client(plane.OperatorKey);
            client.BaseAddress = new Uri(url);
            (await ApiCall.SendAsync(client, HttpMethod.Get, "/api/v1/tenants")).AssertStatus(HttpStatusCode.OK);
        }
        finally
        {
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task TheLocalHostRefusesToStartWithoutTableSettings()
    {
        var configuration = typeof(LocalHostProcessTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var dll = Path.Combine(RepositoryRoot.Find(), "functions", "Fjord.Functions.LocalHost", "bin", configuration, "net10.0", "Fjord.Functions.LocalHost.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", "http://127.0.0.1:0"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove(ControlPlaneSettings.TableConnectionSetting);
        start.Environment.Remove(ControlPlaneSettings.TableEndpointSetting);
        using var host = Process.Start(start)!;
        var stderr = await host.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await host.WaitForExitAsync(timeout.Token);
        Assert.Equal(2, host.ExitCode);
        Assert.Contains(ControlPlaneSettings.TableConnectionSetting, stderr, StringComparison.Ordinal);
    }
}

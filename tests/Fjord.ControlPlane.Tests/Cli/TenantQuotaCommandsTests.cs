using System.Text.Json;
using Fjord.ControlPlane.Tests.Functions;
using Fjord.Security.Quotas;
using Fjord.Testing;

namespace Fjord.ControlPlane.Tests.Cli;

/// <summary><c>fjord tenant quotas|set-quotas</c> through the local control plane, read back from the brokers' quota table.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class TenantQuotaCommandsTests(ControlPlaneFixture fixture) : CliCommandTests(fixture, "qc")
{
    [Fact]
    public async Task SetQuotasReplacesTheCapAndQuotasShowsIt()
    {
        var tenant = await NewTenantAsync();

        var set = await Cli.RunAsync(Ct, "tenant", "set-quotas", tenant, "--producer-byte-rate", "1048576", "--request-percentage", "12.5");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("producer_byte_rate 1048576, consumer_byte_rate none, request_percentage 12.5", set.Output, StringComparison.Ordinal);
        var (records, _) = await Fixture.Quotas.LoadAsync(Ct);
        var cap = Assert.Single(records, r => r.Entity.Equals(ClientQuotaEntity.Of((ClientQuotaEntity.Tenant, tenant))));
        Assert.Equal(new Dictionary<string, double> { ["producer_byte_rate"] = 1048576, ["request_percentage"] = 12.5 }, cap.Values);

        var shown = JsonDocument.Parse((await Cli.RunAsync(Ct, "tenant", "quotas", tenant, "-o", "json")).Output).RootElement;
        Assert.Equal(1048576, shown.GetProperty("cap").GetProperty("producerByteRate").GetInt64());

        var refused = await Cli.RunAsync(Ct, "tenant", "set-quotas", tenant, "--consumer-byte-rate", "0");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--consumer-byte-rate must be positive", refused.Error, StringComparison.Ordinal);
    }
}

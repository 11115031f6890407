using System.Text.Json;
using Fjord.ControlPlane.Tests.Functions;
using Fjord.Security.Quotas;
using Fjord.Testing;

namespace Fjord.ControlPlane.Tests.Cli;

/// <summary><c>fjord tenant quotas|set-quotas</c> through the local control plane, read back from the brokers' quota table.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class TenantQuotaCommandsTests : IDisposable
{
    private readonly ControlPlaneFixture _fixture;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private readonly TempDirectory _folder = new("fjord-quota-cli");
    private readonly CliRunner _cli;

    public TenantQuotaCommandsTests(ControlPlaneFixture fixture)
    {
        _fixture = fixture;
        _cli = new CliRunner(fixture.BaseAddress, fixture.OperatorKey, _folder.Combine("config"));
    }

    private CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _folder.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task SetQuotasReplacesTheCapAndQuotasShowsIt()
    {
        var tenant = "qc-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(0, (await _cli.RunAsync(Ct, "tenant", "create", tenant)).ExitCode);

        var set = await _cli.RunAsync(Ct, "tenant", "set-quotas", tenant, "--producer-byte-rate", "1048576", "--request-percentage", "12.5");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("producer_byte_rate 1048576, consumer_byte_rate none, request_percentage 12.5", set.Output, StringComparison.Ordinal);
        var (records, _) = await _fixture.Quotas.LoadAsync(Ct);
        var cap = Assert.Single(records, r => r.Entity.Equals(ClientQuotaEntity.Of((ClientQuotaEntity.Tenant, tenant))));
        Assert.Equal(new Dictionary<string, double> { ["producer_byte_rate"] = 1048576, ["request_percentage"] = 12.5 }, cap.Values);

        var shown = JsonDocument.Parse((await _cli.RunAsync(Ct, "tenant", "quotas", tenant, "-o", "json")).Output).RootElement;
        Assert.Equal(1048576, shown.GetProperty("cap").GetProperty("producerByteRate").GetInt64());

        var refused = await _cli.RunAsync(Ct, "tenant", "set-quotas", tenant, "--consumer-byte-rate", "0");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--consumer-byte-rate must be positive", refused.Error, StringComparison.Ordinal);
    }
}

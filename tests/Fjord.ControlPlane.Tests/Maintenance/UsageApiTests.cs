using System.Net;
using System.Text.Json;
using Fjord.ControlPlane.Tests.Cli;
using Fjord.ControlPlane.Tests.Functions;
using Fjord.ControlPlane.Usage;

namespace Fjord.ControlPlane.Tests.Maintenance;

/// <summary><c>GET /api/v1/tenants/{tenant}/usage</c> and <c>fjord tenant usage</c> over hours the roll-up wrote to the control plane's usage table.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class UsageApiTests(ControlPlaneFixture plane) : CliCommandTests(plane, "us")
{
    /// <summary>A tenant with 42 records rolled up into the current hour.</summary>
    private async Task<(string Tenant, DateTimeOffset Hour)> TenantWithUsageAsync()
    {
        var tenant = await NewTenantAsync();
        var usage = new TenantUsageStore(Fixture.Service);
        await usage.InitializeAsync(Ct);
        var topic = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        await usage.AddAsync(tenant, new TenantUsageSnapshot(new Dictionary<Guid, long> { [topic] = 8 }, 4096, 6, 1), now, Ct);
        await usage.AddAsync(tenant, new TenantUsageSnapshot(new Dictionary<Guid, long> { [topic] = 50 }, 8192, 6, 1), now, Ct);
        return (tenant, new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task TheUsageRouteShowsTheRolledUpHoursToOperatorsAndTheTenantOnly()
    {
        var (tenant, hour) = await TenantWithUsageAsync();
        var tenantKey = (await Fixture.ApiKeys.CreateTenantKeyAsync(tenant, TimeSpan.FromHours(1), "usage", Ct)).Secret;
        var stranger = await NewTenantAsync();
        var strangerKey = (await Fixture.ApiKeys.CreateTenantKeyAsync(stranger, TimeSpan.FromHours(1), "usage", Ct)).Secret;

        foreach (var key in new[] { Fixture.OperatorKey, tenantKey })
        {
            using var client = Fixture.Client(key);
            var shown = await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/usage?hours=3");
            shown.AssertStatus(HttpStatusCode.OK);
            Assert.Equal(tenant, shown.Json.GetProperty("tenant").GetString());
            var row = Assert.Single(shown.Json.GetProperty("hours").EnumerateArray());
            Assert.Equal(hour, row.GetProperty("hour").GetDateTimeOffset());
            Assert.Equal(42, row.GetProperty("recordsIn").GetInt64());
            Assert.Equal(8192, row.GetProperty("retainedBytes").GetInt64());
            Assert.Equal(6, row.GetProperty("partitions").GetInt32());
        }

        using var strangers = Fixture.Client(strangerKey);
        (await ApiCall.SendAsync(strangers, HttpMethod.Get, $"/api/v1/tenants/{tenant}/usage")).AssertProblem(HttpStatusCode.Forbidden);
        using var operators = Fixture.Client(Fixture.OperatorKey);
        Assert.Contains("hours", (await ApiCall.SendAsync(operators, HttpMethod.Get, $"/api/v1/tenants/{tenant}/usage?hours=0")).AssertProblem(HttpStatusCode.BadRequest), StringComparison.Ordinal);
        (await ApiCall.SendAsync(operators, HttpMethod.Get, $"/api/v1/tenants/{tenant}/usage?hours=745")).AssertProblem(HttpStatusCode.BadRequest);
        (await ApiCall.SendAsync(operators, HttpMethod.Get, "/api/v1/tenants/nosuchtenant/usage")).AssertProblem(HttpStatusCode.NotFound);
        var empty = await ApiCall.SendAsync(operators, HttpMethod.Get, $"/api/v1/tenants/{stranger}/usage");
        empty.AssertStatus(HttpStatusCode.OK);
        Assert.Empty(empty.Json.GetProperty("hours").EnumerateArray());
    }

    [Fact]
    public async Task FjordTenantUsagePrintsTheHoursAsATableOrJson()
    {
        var (tenant, hour) = await TenantWithUsageAsync();

        var table = await Cli.RunAsync(Ct, "tenant", "usage", tenant);
        var json = await Cli.RunAsync(Ct, "tenant", "usage", tenant, "--hours", "48", "-o", "json");
        var refused = await Cli.RunAsync(Ct, "tenant", "usage", tenant, "--hours", "0");

        Assert.True(table.ExitCode == 0, table.ToString());
        var lines = table.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("HOUR (UTC)", lines[0], StringComparison.Ordinal);
        Assert.Equal([hour.UtcDateTime.ToString("yyyy-MM-dd HH:00", System.Globalization.CultureInfo.InvariantCulture), "42", "8192", "6", "1"],
            lines[1].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.True(json.ExitCode == 0, json.ToString());
        var shown = JsonDocument.Parse(json.Output).RootElement;
        Assert.Equal(42, Assert.Single(shown.GetProperty("hours").EnumerateArray()).GetProperty("recordsIn").GetInt64());
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--hours must be from 1 to 744", refused.Error, StringComparison.Ordinal);
    }
}

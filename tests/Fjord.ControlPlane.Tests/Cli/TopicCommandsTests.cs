using System.Text.Json;
using Fjord.ControlPlane.Tests.Functions;
using Fjord.Testing;

namespace Fjord.ControlPlane.Tests.Cli;

/// <summary>
/// <c>fjord topic …</c> through the local control plane, where no controller elects leaders: a create shows what it
/// waits for and gives up at its bound; everything else reads back from the metadata table.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class TopicCommandsTests(ControlPlaneFixture fixture) : CliCommandTests(fixture, "tp")
{
    [Fact]
    public async Task CreateSaysWhatItWaitsForAndWithNoControllerGivesUpAtItsBound()
    {
        var tenant = await NewTenantAsync();

        var run = await Cli.RunAsync(Ct, "topic", "create", "orders", "--tenant", tenant, "--partitions", "3", "--replication-factor", "1",
            "--config", "retention.ms=86400000", "--tiered", "--wait-seconds", "1");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Waiting up to 1 s for the controller to elect a leader for each of topic orders's 3 partition(s)", run.Error, StringComparison.Ordinal);
        Assert.Contains("0 of 3 partition(s) have a leader", run.Error, StringComparison.Ordinal);
        Assert.Contains("is a broker running?", run.Error, StringComparison.Ordinal);
        var stored = await Fixture.Metadata.GetTopicAsync($"{tenant}.orders", Ct);
        Assert.Equal(3, stored?.PartitionCount);
        Assert.Equal("true", stored?.Configs["remote.storage.enable"]);
        Assert.Equal("86400000", stored?.Configs["retention.ms"]);

        var noWait = await Cli.RunAsync(Ct, "topic", "create", "events", "--tenant", tenant, "--replication-factor", "1", "--wait-seconds", "0");
        Assert.True(noWait.ExitCode == 0, noWait.ToString());
        Assert.Contains("leaders are being elected", noWait.Output, StringComparison.Ordinal);
        Assert.Equal(1, (await Fixture.Metadata.GetTopicAsync($"{tenant}.events", Ct))?.PartitionCount);
    }

    [Fact]
    public async Task ListGetAddPartitionsSetConfigAndDeleteReadBackFromTheMetadataTable()
    {
        var tenant = await NewTenantAsync();
        Assert.Equal(0, (await Cli.RunAsync(Ct, "topic", "create", "orders", "--tenant", tenant, "-r", "1", "--wait-seconds", "0", "-c", "retention.ms=1000")).ExitCode);

        var list = await Cli.RunAsync(Ct, "topic", "list", "--tenant", tenant);
        Assert.Equal(0, list.ExitCode);
        Assert.StartsWith("NAME", list.Output, StringComparison.Ordinal);
        Assert.Contains("retention.ms=1000", list.Output, StringComparison.Ordinal);
        var json = JsonDocument.Parse((await Cli.RunAsync(Ct, "topic", "get", "orders", "--tenant", tenant, "-o", "json")).Output).RootElement;
        Assert.Equal("creating", json.GetProperty("state").GetString());
        Assert.Equal(1, json.GetProperty("partitions").GetInt32());
        Assert.Matches(@"state:\s+creating", (await Cli.RunAsync(Ct, "topic", "get", "orders", "--tenant", tenant)).Output);

        var grown = await Cli.RunAsync(Ct, "topic", "add-partitions", "orders", "--tenant", tenant, "--partitions", "4");
        Assert.True(grown.ExitCode == 0, grown.ToString());
        Assert.Equal(4, (await Fixture.Metadata.GetTopicAsync($"{tenant}.orders", Ct))?.PartitionCount);

        var set = await Cli.RunAsync(Ct, "topic", "set-config", "orders", "--tenant", tenant, "--config", "max.message.bytes=2000000");
        Assert.True(set.ExitCode == 0, set.ToString());
        var configs = (await Fixture.Metadata.GetTopicAsync($"{tenant}.orders", Ct))!.Configs;
        Assert.Equal("2000000", configs["max.message.bytes"]);
        Assert.Equal("1000", configs["retention.ms"]);
        Assert.Equal(0, (await Cli.RunAsync(Ct, "topic", "set-config", "orders", "--tenant", tenant, "--delete-config", "retention.ms")).ExitCode);
        Assert.False((await Fixture.Metadata.GetTopicAsync($"{tenant}.orders", Ct))!.Configs.ContainsKey("retention.ms"));

        var refused = await Cli.RunAsync(Ct, "topic", "set-config", "orders", "--tenant", tenant, "--config", "retention.ms=soon");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("retention.ms", refused.Error, StringComparison.Ordinal);

        var deleted = await Cli.RunAsync(Ct, "topic", "delete", "orders", "--tenant", tenant);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Null(await Fixture.Metadata.GetTopicAsync($"{tenant}.orders", Ct));
        var again = await Cli.RunAsync(Ct, "topic", "delete", "orders", "--tenant", tenant);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("has no topic orders", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATenantKeyNeedNotNameItsTenantButAnOperatorKeyMust()
    {
        var tenant = await NewTenantAsync();
        var key = await Cli.RunAsync(Ct, "api-key", "create", "--tenant", tenant, "--lifetime-days", "1");
        Assert.True(key.ExitCode == 0, key.ToString());

        var own = await Cli.RunAsync(key.Output.Trim(), null, Ct, "topic", "create", "mine", "-r", "1", "--wait-seconds", "0");
        var operatorRun = await Cli.RunAsync(Ct, "topic", "list");

        Assert.True(own.ExitCode == 0, own.ToString());
        Assert.NotNull(await Fixture.Metadata.GetTopicAsync($"{tenant}.mine", Ct));
        Assert.Equal(2, operatorRun.ExitCode);
        Assert.Contains("--tenant is required", operatorRun.Error, StringComparison.Ordinal);
        var other = await Cli.RunAsync(key.Output.Trim(), null, Ct, "topic", "list", "--tenant", "someone-else");
        Assert.Equal(1, other.ExitCode);
        Assert.StartsWith("fjord: ", other.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("topic", "create", "orders", "--tenant", "acme", "--partitions", "0")]
    [InlineData("topic", "create", "orders", "--tenant", "acme", "--replication-factor", "0")]
    [InlineData("topic", "create", "orders", "--tenant", "acme", "--config", "retention.ms")]
    [InlineData("topic", "create", "orders", "--tenant", "acme", "--config", "a=1", "--config", "a=2")]
    [InlineData("topic", "create", "orders", "--tenant", "Acme")]
    [InlineData("topic", "create", "orders", "--tenant", "acme", "--wait-seconds", "-1")]
    [InlineData("topic", "create")]
    [InlineData("topic", "add-partitions", "orders", "--tenant", "acme")]
    [InlineData("topic", "set-config", "orders", "--tenant", "acme")]
    [InlineData("topic", "fly")]
    public async Task UsageErrorsExitTwoBeforeAnythingIsSent(params string[] args)
    {
        var run = await Cli.RunAsync(Ct, args);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("fjord: ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TieredContradictingAConfigAndAnInvalidConfigAreRefusedWithWhatToFix()
    {
        var tenant = await NewTenantAsync();

        var contradiction = await Cli.RunAsync(Ct, "topic", "create", "t", "--tenant", tenant, "--tiered", "--config", "remote.storage.enable=false");
        var invalid = await Cli.RunAsync(Ct, "topic", "create", "t", "--tenant", tenant, "-r", "1", "--config", "no.such.config=1");
        var tooMany = await Cli.RunAsync(Ct, "topic", "create", "t", "--tenant", tenant, "-r", "5");

        Assert.Equal(2, contradiction.ExitCode);
        Assert.Contains("--tiered contradicts", contradiction.Error, StringComparison.Ordinal);
        Assert.Equal(2, invalid.ExitCode);
        Assert.Contains("no.such.config", invalid.Error, StringComparison.Ordinal);
        Assert.Equal(2, tooMany.ExitCode);
        Assert.Contains("broker(s) are registered", tooMany.Error, StringComparison.Ordinal);
        Assert.Null(await Fixture.Metadata.GetTopicAsync($"{tenant}.t", Ct));
    }
}

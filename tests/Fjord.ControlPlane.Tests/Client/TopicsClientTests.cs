using Fjord.Cluster;
using Fjord.ControlPlane.Client;
using Fjord.ControlPlane.Client.Topics;
using Fjord.ControlPlane.Tests.Functions;

namespace Fjord.ControlPlane.Tests.Client;

/// <summary>
/// The topics client against the local control plane. Nothing elects leaders there, so a create answers 202; one
/// test plays the controller itself (claims the lease, writes the partitions' leaders) to see the client follow the
/// 202's Location until the topic is ready.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class TopicsClientTests(ControlPlaneFixture fixture) : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private readonly ControlPlaneClient _client = new(fixture.BaseAddress, fixture.OperatorKey);

    private CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _client.Dispose();
        _timeout.Dispose();
    }

    private async Task<string> NewTenantAsync()
    {
        var id = "tc-" + Guid.NewGuid().ToString("N")[..8];
        await _client.Tenants.CreateAsync(id, ct: Ct);
        return id;
    }

    [Fact]
    public async Task CreateAnswersCreatingWithAStatusLocationThatTheClientFollowsUntilTheControllerElectsLeaders()
    {
        var tenant = await NewTenantAsync();

        var created = await _client.Topics.CreateAsync(tenant, "orders", 2, 1, new Dictionary<string, string> { ["retention.ms"] = "86400000" }, Ct);

        Assert.True(created.Created);
        Assert.False(created.Ready);
        Assert.Equal(TopicStatus.Creating, created.Topic.State);
        Assert.Equal($"/api/v1/tenants/{tenant}/topics/orders", created.StatusLocation);
        Assert.Equal("86400000", created.Topic.Configs["retention.ms"]);

        var seenCreating = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = new Progress<TopicModel>(t =>
        {
            if (t.State == TopicStatus.Creating) seenCreating.TrySetResult();
        });
        var waiting = _client.Topics.WaitUntilReadyAsync(created.StatusLocation, TimeSpan.FromSeconds(60), progress, TimeSpan.FromMilliseconds(100), ct: Ct);
        await seenCreating.Task.WaitAsync(Ct);

        var claim = await fixture.Metadata.TryClaimControllerAsync(0, Guid.NewGuid(), TimeSpan.FromSeconds(30), Ct);
        Assert.True(claim.IsController);
        try
        {
            var stored = $"{tenant}.orders";
            var states = Enumerable.Range(0, 2).Select(p => (new PartitionState(stored, p, [0], 0, 0, [0], 0), (int?)null)).ToList();
            Assert.Equal(WriteOutcome.Written, await fixture.Metadata.WritePartitionStatesAsync(claim.Token!, states, Ct));
            var ready = await waiting;

            Assert.Equal(TopicStatus.Ready, ready.State);
            Assert.Equal(2, ready.PartitionsWithLeader);
            Assert.All(ready.PartitionStates!, p => Assert.Equal(0, p.Leader));
            Assert.NotNull(ready.ETag);
        }
        finally
        {
            // The other tests of the collection count on there being no controller.
            await fixture.Metadata.ReleaseControllerAsync(claim.Token!, CancellationToken.None);
        }
    }

    [Fact]
    public async Task WaitUntilReadyGivesUpAtItsBoundAndSaysWhatItLastSaw()
    {
        var tenant = await NewTenantAsync();
        var created = await _client.Topics.CreateAsync(tenant, "slow", 3, 1, ct: Ct);
        var polls = 0;

        var last = await _client.Topics.WaitUntilReadyAsync(created.StatusLocation, TimeSpan.FromMilliseconds(600), new Progress<TopicModel>(_ => Interlocked.Increment(ref polls)),
            TimeSpan.FromMilliseconds(100), ct: Ct);

        Assert.Equal(TopicStatus.Creating, last.State);
        Assert.Equal(0, last.PartitionsWithLeader);
        Assert.Equal(3, last.Partitions);
    }

    [Fact]
    public async Task ListGetAddPartitionsConfigsAndDeleteRoundTripWithETags()
    {
        var tenant = await NewTenantAsync();
        foreach (var name in new[] { "a", "b", "c" }) await _client.Topics.CreateAsync(tenant, name, 1, 1, ct: Ct);

        var first = await _client.Topics.ListPageAsync(tenant, 2, null, Ct);
        Assert.Equal(["a", "b"], first.Items.Select(t => t.Name));
        Assert.NotNull(first.Next);
        var all = new List<string>();
        await foreach (var t in _client.Topics.ListAllAsync(tenant, 1, Ct)) all.Add(t.Name);
        Assert.Equal(["a", "b", "c"], all);

        var again = await _client.Topics.CreateAsync(tenant, "a", 1, 1, ct: Ct);
        Assert.False(again.Created);
        var different = await Assert.ThrowsAsync<ControlPlaneException>(() => _client.Topics.CreateAsync(tenant, "a", 2, 1, ct: Ct));
        Assert.Equal(409, different.Status);

        var a = await _client.Topics.GetAsync(tenant, "a", Ct);
        Assert.NotNull(a?.ETag);
        var grown = await _client.Topics.AddPartitionsAsync(tenant, "a", 4, a!.ETag, Ct);
        Assert.Equal(4, grown.Partitions);
        var stale = await Assert.ThrowsAsync<ControlPlaneException>(() => _client.Topics.SetConfigsAsync(tenant, "a", new Dictionary<string, string>(), a.ETag, Ct));
        Assert.Equal(412, stale.Status);
        var configured = await _client.Topics.SetConfigsAsync(tenant, "a", new Dictionary<string, string> { ["max.message.bytes"] = "2000000" }, grown.ETag, Ct);
        Assert.Equal("2000000", configured.Configs["max.message.bytes"]);
        Assert.Equal(configured.Configs, await _client.Topics.GetConfigsAsync(tenant, "a", Ct));
        var bad = await Assert.ThrowsAsync<ControlPlaneException>(() => _client.Topics.SetConfigsAsync(tenant, "a", new Dictionary<string, string> { ["no.such.config"] = "1" }, ct: Ct));
        Assert.Equal(422, bad.Status);
        Assert.Contains("no.such.config", bad.Detail, StringComparison.Ordinal);

        Assert.True(await _client.Topics.DeleteAsync(tenant, "a", ct: Ct));
        Assert.False(await _client.Topics.DeleteAsync(tenant, "a", ct: Ct));
        Assert.Null(await _client.Topics.GetAsync(tenant, "a", Ct));
        Assert.Null(await fixture.Metadata.GetTopicAsync($"{tenant}.a", Ct));
    }
}

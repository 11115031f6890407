using Fjord.Protocol;
using Fjord.Security.Quotas;
using static Fjord.Broker.Tests.Quotas.QuotaHandlerScenario;

namespace Fjord.Broker.Tests.Quotas;

/// <summary>DescribeClientQuotas and AlterClientQuotas as Kafka answers them, at both versions, and a tenant's view of them.</summary>
public sealed class ClientQuotaHandlerTests : IAsyncLifetime
{
    private const string ProducerByteRate = ClientQuotaKeys.ProducerByteRate;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));
    private QuotaHandlerScenario _scenario = null!;

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync() => _scenario = await QuotaHandlerScenario.StartAsync(Ct);

    public async Task DisposeAsync()
    {
        await _scenario.DisposeAsync();
        _timeout.Dispose();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task AQuotaSetIsDescribedAndEnforcedAtOnceAndRemovedAgain(short version)
    {
        var altered = await _scenario.AlterAsync(null, version, Ct, entries: Set(ProducerByteRate, 1024, ("user", "alice"), ("client-id", "app")));
        Assert.Equal(0, Assert.Single(altered.Entries).ErrorCode);
        Assert.True(_scenario.Cache.Snapshot.TryGet(ClientQuotaEntity.Of(("user", "alice"), ("client-id", "app")), ProducerByteRate, out var enforced));
        Assert.Equal(1024, enforced);

        var described = await _scenario.DescribeAsync(null, Filter(false, ("user", 0, "alice")), version, Ct);
        var entry = Assert.Single(described.Entries!);
        Assert.Equal([("client-id", "app"), ("user", "alice")], entry.Entity.Select(e => (e.EntityType, e.EntityName)).Order());
        Assert.Equal((ProducerByteRate, 1024d), (Assert.Single(entry.Values).Key, entry.Values[0].Value));

        await _scenario.AlterAsync(null, version, Ct, entries: Remove(ProducerByteRate, ("user", "alice"), ("client-id", "app")));
        Assert.Empty((await _scenario.DescribeAsync(null, Filter(false), version, Ct)).Entries!);
    }

    [Fact]
    public async Task MatchTypesAndStrictSelectAsInKafka()
    {
        await _scenario.AlterAsync(null, 1, Ct, entries:
        [
            Set(ProducerByteRate, 1, ("user", "alice")),
            Set(ProducerByteRate, 2, ("user", null)),
            Set(ProducerByteRate, 3, ("user", "alice"), ("client-id", "app")),
            Set(ProducerByteRate, 4, ("client-id", null)),
        ]);

        async Task<double[]> Values(DescribeClientQuotasRequest filter) =>
            [.. (await _scenario.DescribeAsync(null, filter, 1, Ct)).Entries!.Select(e => e.Values[0].Value).Order()];

        Assert.Equal(new double[] { 1, 3 }, await Values(Filter(false, ("user", 0, "alice"))));
        Assert.Equal(new double[] { 1 }, await Values(Filter(true, ("user", 0, "alice"))));
        Assert.Equal(new double[] { 2 }, await Values(Filter(false, ("user", 1, null))));
        Assert.Equal(new double[] { 1, 3 }, await Values(Filter(false, ("user", 2, null))));
        Assert.Equal(new double[] { 3 }, await Values(Filter(false, ("client-id", 2, null))));
        Assert.Equal(new double[] { 4 }, await Values(Filter(false, ("client-id", 1, null))));
        Assert.Equal(new double[] { 1, 2, 3, 4 }, await Values(Filter(false)));
        Assert.Empty(await Values(Filter(true)));
    }

    [Theory]
    [InlineData("user", 0, null, "MATCH_TYPE_EXACT")]
    [InlineData("user", 1, "alice", "MATCH_TYPE_DEFAULT")]
    [InlineData("user", 7, null, "Unknown match type")]
    [InlineData("group", 2, null, "Unhandled client quota entity type: group")]
    public async Task ABadFilterIsAnInvalidRequest(string type, sbyte matchType, string? match, string message)
    {
        var response = await _scenario.DescribeAsync(null, Filter(false, (type, matchType, match)), 1, Ct);
        Assert.Equal((short)ErrorCode.InvalidRequest, response.ErrorCode);
        Assert.Contains(message, response.ErrorMessage);
        Assert.Null(response.Entries);
    }

    [Fact]
    public async Task EachEntryIsValidatedOnItsOwnAndValidateOnlyWritesNothing()
    {
        var response = await _scenario.AlterAsync(null, 1, Ct, validateOnly: false, entries:
        [
            Set(ProducerByteRate, 100, ("ip", "10.0.0.1")),
            Set(ClientQuotaKeys.ConnectionCreationRate, 5, ("user", "alice")),
            Set(ProducerByteRate, -1, ("user", "alice")),
            Set("bogus_rate", 1, ("user", "alice")),
            Set(ProducerByteRate, 100, ("user", "alice"), ("ip", "10.0.0.1")),
            Set(ProducerByteRate, 100, ("user", "bob")),
        ]);
        Assert.Equal([ErrorCode.InvalidRequest, ErrorCode.InvalidRequest, ErrorCode.InvalidConfig, ErrorCode.InvalidRequest, ErrorCode.InvalidRequest, ErrorCode.None],
            response.Entries.Select(e => (ErrorCode)e.ErrorCode));
        Assert.All(response.Entries.Take(5), e => Assert.False(string.IsNullOrEmpty(e.ErrorMessage)));
        Assert.Single((await _scenario.Store.LoadAsync(Ct)).Quotas);

        var validated = await _scenario.AlterAsync(null, 1, Ct, validateOnly: true, entries: Set(ProducerByteRate, 100, ("user", "carol")));
        Assert.Equal(0, Assert.Single(validated.Entries).ErrorCode);
        Assert.Single((await _scenario.Store.LoadAsync(Ct)).Quotas);
    }

    [Fact]
    public async Task ATenantsQuotasAreStoredInItsOwnNamespaceWithItsOwnDefaults()
    {
        var response = await _scenario.AlterAsync(Acme, 1, Ct, entries:
        [
            Set(ProducerByteRate, 10, ("user", "bob")),
            Set(ProducerByteRate, 20, ("user", null)),
            Set(ProducerByteRate, 30, ("client-id", "app")),
        ]);
        Assert.All(response.Entries, e => Assert.Equal(0, e.ErrorCode));
        Assert.Equal([[("user", "bob")], [("user", null)], [("client-id", "app")]],
            response.Entries.Select(e => e.Entity.Select(c => (c.EntityType, c.EntityName)).ToArray()));

        var stored = (await _scenario.Store.LoadAsync(Ct)).Quotas.Select(q => q.Entity).ToHashSet();
        Assert.Equal(
            new HashSet<ClientQuotaEntity>
            {
                ClientQuotaEntity.Of(("tenant", "acme"), ("user", "acme.bob")),
                ClientQuotaEntity.Of(("tenant", "acme"), ("user", null)),
                ClientQuotaEntity.Of(("tenant", "acme"), ("client-id", "app")),
            },
            stored);
    }

    [Fact]
    public async Task ATenantSeesOnlyItsOwnQuotasInItsOwnNames()
    {
        await _scenario.AlterAsync(null, 1, Ct, entries:
        [
            Set(ProducerByteRate, 1, ("user", null)),
            Set(ProducerByteRate, 2, ("tenant", "acme")),
            Set(ProducerByteRate, 3, ("user", "acme.bob")),
            Set(ClientQuotaKeys.ConnectionCreationRate, 4, ("ip", null)),
        ]);
        await _scenario.AlterAsync(Globex, 1, Ct, entries: Set(ProducerByteRate, 5, ("user", "bob")));
        await _scenario.AlterAsync(Acme, 1, Ct, entries: [Set(ProducerByteRate, 6, ("user", "bob")), Set(ProducerByteRate, 7, ("user", null))]);

        var all = await _scenario.DescribeAsync(Acme, Filter(false), 1, Ct);
        Assert.Equal([("user:bob", 6d), ("user:", 7d)],
            all.Entries!.Select(e => ($"{e.Entity.Single().EntityType}:{e.Entity.Single().EntityName}", e.Values.Single().Value)).OrderBy(x => x.Item2));

        var exact = await _scenario.DescribeAsync(Acme, Filter(true, ("user", 0, "bob")), 1, Ct);
        Assert.Equal(6, Assert.Single(exact.Entries!).Values.Single().Value);
        var defaults = await _scenario.DescribeAsync(Acme, Filter(true, ("user", 1, null)), 1, Ct);
        Assert.Equal(7, Assert.Single(defaults.Entries!).Values.Single().Value);
    }

    [Fact]
    public async Task ATenantNamingAnotherTenantsUserOrSendingInvalidValuesReachesNothingOfTheOther()
    {
        await _scenario.AlterAsync(Globex, 1, Ct, entries: Set(ProducerByteRate, 5, ("user", "bob")));

        // globex.bob from acme is acme's own user "globex.bob", stored acme.globex.bob: globex's bob keeps its quota.
        var named = await _scenario.AlterAsync(Acme, 1, Ct, entries:
        [
            Set(ProducerByteRate, 1, ("user", "globex.bob")),
            Set(ProducerByteRate, double.NaN, ("user", "bob")),
            Set(ProducerByteRate, double.PositiveInfinity, ("user", "bob")),
            Set(ProducerByteRate, -5, ("client-id", "app")),
            Set(ClientQuotaKeys.RequestPercentage, 0, ("user", "bob")),
        ]);
        Assert.Equal(0, named.Entries[0].ErrorCode);
        Assert.Equal("globex.bob", named.Entries[0].Entity.Single().EntityName);
        Assert.All(named.Entries.Skip(1).Take(3), e => Assert.NotEqual(0, e.ErrorCode));

        var stored = (await _scenario.Store.LoadAsync(Ct)).Quotas.ToDictionary(q => q.Entity, q => q.Values);
        Assert.Equal(5, stored[ClientQuotaEntity.Of(("tenant", "globex"), ("user", "globex.bob"))][ProducerByteRate]);
        Assert.Equal(1, stored[ClientQuotaEntity.Of(("tenant", "acme"), ("user", "acme.globex.bob"))][ProducerByteRate]);
        Assert.DoesNotContain(ClientQuotaEntity.Of(("tenant", "acme"), ("client-id", "app")), stored.Keys);
        Assert.False(stored.TryGetValue(ClientQuotaEntity.Of(("tenant", "acme"), ("user", "acme.bob")), out var bob) && bob.ContainsKey(ProducerByteRate));

        var globexView = await _scenario.DescribeAsync(Globex, Filter(false), 1, Ct);
        Assert.Equal(("bob", 5d), (globexView.Entries!.Single().Entity.Single().EntityName, globexView.Entries!.Single().Values.Single().Value));
    }

    [Theory]
    [InlineData("tenant")]
    [InlineData("ip")]
    public async Task ATenantCannotNameTheTenantOrIpEntityTypes(string type)
    {
        var described = await _scenario.DescribeAsync(Acme, Filter(false, (type, 2, null)), 1, Ct);
        Assert.Equal((short)ErrorCode.InvalidRequest, described.ErrorCode);
        Assert.Contains($"Entity type {type} is not available to a tenant", described.ErrorMessage);

        var altered = await _scenario.AlterAsync(Acme, 1, Ct, entries:
        [
            Set(ProducerByteRate, 1, ("user", "bob")),
            Set(type == "ip" ? ClientQuotaKeys.ConnectionCreationRate : ProducerByteRate, 2, (type, null)),
            Set(ProducerByteRate, 3, ("client-id", "app")),
        ]);
        Assert.Equal([0, (short)ErrorCode.InvalidRequest, 0], altered.Entries.Select(e => e.ErrorCode));
        Assert.Equal(type, altered.Entries[1].Entity.Single().EntityType);
        Assert.Equal(2, (await _scenario.Store.LoadAsync(Ct)).Quotas.Count);
    }
}

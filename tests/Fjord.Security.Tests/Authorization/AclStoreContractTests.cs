using Fjord.Security.Authorization;
using static Fjord.Security.Tests.Authorization.Acls;

namespace Fjord.Security.Tests.Authorization;

/// <summary>
/// The behaviour every <see cref="IAclStore"/> must have, run against the in-memory store and against Table
/// storage on Azurite: bindings round-trip every field, creating twice stores once, every change moves the
/// version, deletes follow filter semantics, awkward names are stored faithfully, and of 20 racing writers
/// none is lost.
/// </summary>
public abstract class AclStoreContractTests
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));

    protected CancellationToken Ct => _timeout.Token;

    /// <summary>A fresh, empty, initialized store that no other test sees.</summary>
    protected abstract Task<IAclStore> CreateStoreAsync();

    /// <summary>Another store instance over the same data (another broker).</summary>
    protected abstract IAclStore OpenSameStore(IAclStore store);

    [Fact]
    public async Task AnEmptyStoreHasNoAclsAndVersionZero()
    {
        var store = await CreateStoreAsync();

        var (acls, version) = await store.LoadAsync(Ct);

        Assert.Empty(acls);
        Assert.Equal(0, version);
        Assert.Equal(0, await store.ReadVersionAsync(Ct));
    }

    [Fact]
    public async Task CreatedBindingsLoadBackWithEveryField()
    {
        var store = await CreateStoreAsync();
        AclBinding[] bindings =
        [
            AllowTopic("User:alice", AclOperation.Read, "orders"),
            DenyTopic("User:*", AclOperation.All, "pay", PatternType.Prefixed, host: "10.0.0.2"),
            Allow("User:CN=broker-1,O=Fjord", AclOperation.ClusterAction, ResourceType.Cluster, "kafka-cluster"),
            Allow("User:bob", AclOperation.Describe, ResourceType.Group, "g/1#?\\", host: "::1"),
            Allow("User:bob", AclOperation.Write, ResourceType.TransactionalId, "pay\u00e9\t\u0001ments"),
        ];

        await store.CreateAsync(bindings, Ct);
        var (acls, version) = await store.LoadAsync(Ct);

        Assert.Equal(bindings.ToHashSet(), acls.ToHashSet());
        Assert.Equal(bindings.Length, acls.Count);
        Assert.True(version > 0);
    }

    [Fact]
    public async Task CreatingTheSameBindingTwiceStoresItOnce()
    {
        var store = await CreateStoreAsync();
        var binding = AllowTopic("User:alice", AclOperation.Read, "orders");

        await store.CreateAsync([binding, binding], Ct);
        await store.CreateAsync([binding], Ct);

        Assert.Single((await store.LoadAsync(Ct)).Acls);
    }

    [Fact]
    public async Task BindingsDifferingInOneFieldAreDistinct()
    {
        var store = await CreateStoreAsync();
        var binding = AllowTopic("User:alice", AclOperation.Read, "orders");
        AclBinding[] variants =
        [
            binding,
            binding with { Pattern = binding.Pattern with { PatternType = PatternType.Prefixed } },
            binding with { Pattern = binding.Pattern with { ResourceType = ResourceType.Group } },
            binding with { Pattern = binding.Pattern with { Name = "Orders" } },
            binding with { Entry = binding.Entry with { Principal = "User:alice2" } },
            binding with { Entry = binding.Entry with { Host = "10.0.0.1" } },
            binding with { Entry = binding.Entry with { Operation = AclOperation.Write } },
            binding with { Entry = binding.Entry with { PermissionType = AclPermissionType.Deny } },
        ];

        await store.CreateAsync(variants, Ct);

        Assert.Equal(variants.Length, (await store.LoadAsync(Ct)).Acls.Count);
    }

    [Fact]
    public async Task EveryChangeMovesTheVersion()
    {
        var store = await CreateStoreAsync();
        var v0 = await store.ReadVersionAsync(Ct);

        await store.CreateAsync([AllowTopic("User:alice", AclOperation.Read, "orders")], Ct);
        var v1 = await store.ReadVersionAsync(Ct);
        await store.DeleteAsync(AclBindingFilter.Any, Ct);
        var v2 = await store.ReadVersionAsync(Ct);

        Assert.True(v1 > v0);
        Assert.True(v2 > v1);
        Assert.Equal(v2, (await store.LoadAsync(Ct)).Version);
    }

    [Fact]
    public async Task DeleteRemovesAndReturnsExactlyWhatTheFilterMatches()
    {
        var store = await CreateStoreAsync();
        var literal = AllowTopic("User:alice", AclOperation.Read, "orders");
        var wildcard = AllowTopic("User:bob", AclOperation.Read, "*");
        var prefixed = DenyTopic("User:alice", AclOperation.Write, "ord", PatternType.Prefixed);
        var unrelated = AllowTopic("User:alice", AclOperation.Read, "payments");
        var group = Allow("User:alice", AclOperation.Read, ResourceType.Group, "orders");
        await store.CreateAsync([literal, wildcard, prefixed, unrelated, group], Ct);

        var deleted = await store.DeleteAsync(new AclBindingFilter(ResourceType.Topic, "orders", PatternType.Match, null, null, AclOperation.Any, AclPermissionType.Any), Ct);

        Assert.Equal(new[] { literal, wildcard, prefixed }.ToHashSet(), deleted.ToHashSet());
        Assert.Equal(new[] { unrelated, group }.ToHashSet(), (await store.LoadAsync(Ct)).Acls.ToHashSet());
    }

    [Fact]
    public async Task ADeleteThatMatchesNothingReturnsNothing()
    {
        var store = await CreateStoreAsync();
        await store.CreateAsync([AllowTopic("User:alice", AclOperation.Read, "orders")], Ct);

        Assert.Empty(await store.DeleteAsync(AclBindingFilter.Any with { Principal = "User:bob" }, Ct));
        Assert.Single((await store.LoadAsync(Ct)).Acls);
    }

    [Fact]
    public async Task ManyBindingsSurviveTransactionAndPageLimits()
    {
        var store = await CreateStoreAsync();
        var bindings = Enumerable.Range(0, 250).Select(i => AllowTopic($"User:u{i}", AclOperation.Read, $"t{i}")).ToArray();

        await store.CreateAsync(bindings, Ct);
        Assert.Equal(250, (await store.LoadAsync(Ct)).Acls.Count);

        Assert.Equal(250, (await store.DeleteAsync(AclBindingFilter.Any, Ct)).Count);
        Assert.Empty((await store.LoadAsync(Ct)).Acls);
    }

    [Fact]
    public async Task AnotherBrokerSeesTheChanges()
    {
        var store = await CreateStoreAsync();
        var other = OpenSameStore(store);

        await store.CreateAsync([AllowTopic("User:alice", AclOperation.Read, "orders")], Ct);

        Assert.Equal(await store.ReadVersionAsync(Ct), await other.ReadVersionAsync(Ct));
        Assert.Single((await other.LoadAsync(Ct)).Acls);
    }

    [Fact]
    public async Task TwentyRacingWritersEachMoveTheVersionOnce()
    {
        var store = await CreateStoreAsync();
        var brokers = Enumerable.Range(0, 20).Select(_ => OpenSameStore(store)).ToArray();

        await Task.WhenAll(brokers.Select((broker, i) => Task.Run(() => broker.CreateAsync([AllowTopic($"User:u{i}", AclOperation.Write, "orders")], Ct))));

        Assert.Equal(20, await store.ReadVersionAsync(Ct));
        Assert.Equal(20, (await store.LoadAsync(Ct)).Acls.Count);
    }

    [Fact]
    public async Task RacingDeletesEachReturnADisjointShareAndTogetherAll()
    {
        var store = await CreateStoreAsync();
        var bindings = Enumerable.Range(0, 30).Select(i => AllowTopic("User:alice", AclOperation.Read, $"t{i}")).ToArray();
        await store.CreateAsync(bindings, Ct);
        var brokers = Enumerable.Range(0, 5).Select(_ => OpenSameStore(store)).ToArray();

        var results = await Task.WhenAll(brokers.Select(broker => Task.Run(() => broker.DeleteAsync(AclBindingFilter.Any, Ct))));

        var all = results.SelectMany(r => r).ToArray();
        Assert.Equal(bindings.Length, all.Length);
        Assert.Equal(bindings.ToHashSet(), all.ToHashSet());
        Assert.Empty((await store.LoadAsync(Ct)).Acls);
    }
}

using Fjord.ControlPlane.Client;
using Fjord.ControlPlane.Client.Acls;
using Fjord.ControlPlane.Tests.Functions;
using Fjord.Security.Authorization;

namespace Fjord.ControlPlane.Tests.Client;

/// <summary>The ACLs client against the local control plane, reading the stored (prefixed) bindings back from the table.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class AclsClientTests(ControlPlaneFixture fixture) : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private readonly ControlPlaneClient _client = new(fixture.BaseAddress, fixture.OperatorKey);

    private CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _client.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task CreateListAndDeleteSpeakTheTenantsNamesAndStoreItsPrefixedOnes()
    {
        var tenant = "ac-" + Guid.NewGuid().ToString("N")[..8];
        await _client.Tenants.CreateAsync(tenant, ct: Ct);
        AclBindingModel[] bindings =
        [
            new("Topic", "orders", "User:app1", "Write"),
            new("Topic", "orders", "User:app1", "Read"),
            new("Group", "bill", "User:app1", "Read", PatternType: "Prefixed"),
        ];

        var created = await _client.Acls.CreateAsync(tenant, bindings, Ct);
        var again = await _client.Acls.CreateAsync(tenant, bindings[..1], Ct);

        Assert.All(created, b => Assert.True(b.Created));
        Assert.False(Assert.Single(again).Created);
        var (stored, _) = await fixture.Acls.LoadAsync(Ct);
        Assert.Contains(stored, b => b.Pattern.Name == $"{tenant}.orders" && b.Entry.Principal == $"User:{tenant}.app1" && b.Entry.Operation == AclOperation.Write);
        var app1 = await _client.Acls.ListAsync(tenant, new AclFilterModel(Principal: "User:app1"), Ct);
        Assert.Equal(3, app1.Count);
        Assert.All(app1, b => Assert.Null(b.Created));
        var topics = await _client.Acls.ListAsync(tenant, new AclFilterModel(ResourceType: "Topic", ResourceName: "orders"), Ct);
        Assert.Equal(["Read", "Write"], topics.Select(b => b.Operation).Order(StringComparer.Ordinal));

        var refused = await Assert.ThrowsAsync<ControlPlaneException>(() => _client.Acls.CreateAsync(tenant, [new AclBindingModel("Topic", "orders", "User:app1", "Fly")], Ct));
        Assert.Equal(400, refused.Status);
        Assert.Contains("Fly", refused.Detail, StringComparison.Ordinal);

        var deleted = await _client.Acls.DeleteAsync(tenant, new AclFilterModel(Principal: "User:app1", Operation: "Read"), Ct);
        Assert.Equal(2, deleted.Count);
        Assert.Equal("Write", Assert.Single(await _client.Acls.ListAsync(tenant, new AclFilterModel(Principal: "User:app1"), Ct)).Operation);
        var empty = await Assert.ThrowsAsync<ControlPlaneException>(() => _client.Acls.DeleteAsync(tenant, AclFilterModel.Any, Ct));
        Assert.Equal(400, empty.Status);
    }
}

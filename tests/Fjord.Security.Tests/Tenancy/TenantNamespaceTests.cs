using Fjord.Security.Tenancy;

namespace Fjord.Security.Tests.Tenancy;

public sealed class TenantNamespaceTests
{
    [Theory]
    [InlineData("ab")]
    [InlineData("acme")]
    [InlineData("acme-2")]
    [InlineData("a0123456789012345678901234567890")]
    public void LegalIdsHaveNoProblem(string id) => Assert.Null(TenantNamespace.IdProblem(id));

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("a", "2 to 32")]
    [InlineData("a01234567890123456789012345678901", "2 to 32")]
    [InlineData("1acme", "lower-case letter")]
    [InlineData("-acme", "lower-case letter")]
    [InlineData("acme-", "end with '-'")]
    [InlineData("Acme", "lower-case letter")]
    [InlineData("ac.me", "'.'")]
    [InlineData("ac_me", "'_'")]
    [InlineData("acmé", "'é'")]
    public void IllegalIdsSayWhy(string? id, string because)
    {
        var problem = TenantNamespace.IdProblem(id);

        Assert.NotNull(problem);
        Assert.Contains(because, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("acme.orders", "acme")]
    [InlineData("acme.a.b", "acme")]
    [InlineData("acme..x", "acme")]
    public void AStoredNameBelongsToTheIdBeforeItsFirstDot(string stored, string id)
    {
        Assert.True(TenantNamespace.TryGetTenantId(stored, out var found));
        Assert.Equal(id, found);
    }

    [Theory]
    [InlineData("orders")]
    [InlineData(".orders")]
    [InlineData("acme.")]
    [InlineData("")]
    public void ANameWithoutATenantPartHasNoTenant(string stored) => Assert.False(TenantNamespace.TryGetTenantId(stored, out _));
}

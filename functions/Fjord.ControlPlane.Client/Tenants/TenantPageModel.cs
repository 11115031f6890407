namespace Fjord.ControlPlane.Client.Tenants;

/// <summary>One page of tenants in id order; <see cref="Next"/> is the continuation token of the next page, null on the last.</summary>
public sealed record TenantPageModel(IReadOnlyList<TenantModel> Items, string? Next);

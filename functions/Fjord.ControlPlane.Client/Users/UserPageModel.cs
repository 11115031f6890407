namespace Fjord.ControlPlane.Client.Users;

/// <summary>One page of a tenant's users in name order; <see cref="Next"/> is the continuation token of the next page, null on the last.</summary>
public sealed record UserPageModel(IReadOnlyList<UserModel> Items, string? Next);

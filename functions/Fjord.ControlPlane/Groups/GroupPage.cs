namespace Fjord.ControlPlane.Groups;

/// <summary>One page of a tenant's groups in id order; <see cref="After"/> is the last id shown when more follow, else null.</summary>
public sealed record GroupPage(IReadOnlyList<GroupLag> Items, string? After);

namespace Fjord.ControlPlane.Topics;

/// <summary>One page of a tenant's topics in name order; <see cref="After"/> is the last name shown when more follow, else null.</summary>
public sealed record TopicPage(IReadOnlyList<TopicView> Items, string? After);

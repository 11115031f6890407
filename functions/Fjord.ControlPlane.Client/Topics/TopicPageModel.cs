namespace Fjord.ControlPlane.Client.Topics;

/// <summary>One page of a tenant's topics in name order; <see cref="Next"/> is the continuation token of the next page, null on the last.</summary>
public sealed record TopicPageModel(IReadOnlyList<TopicModel> Items, string? Next);

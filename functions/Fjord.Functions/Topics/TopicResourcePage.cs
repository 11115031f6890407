namespace Fjord.Functions.Topics;

/// <summary>One page of a tenant's topics in name order; <see cref="Next"/> is the continuation token of the next page, null on the last.</summary>
public sealed record TopicResourcePage(IReadOnlyList<TopicResource> Items, string? Next);

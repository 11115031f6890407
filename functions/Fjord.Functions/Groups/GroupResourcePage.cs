namespace Fjord.Functions.Groups;

/// <summary>One page of a tenant's groups in id order; <see cref="Next"/> is the continuation token of the next page, null on the last.</summary>
public sealed record GroupResourcePage(IReadOnlyList<GroupSummaryResource> Items, string? Next);

namespace Fjord.ControlPlane.Client.ApiKeys;

/// <summary>One page of API keys in id order; <see cref="Next"/> is the continuation token of the next page, null on the last.</summary>
public sealed record ApiKeyPageModel(IReadOnlyList<ApiKeyModel> Items, string? Next);

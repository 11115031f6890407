namespace Fjord.Broker.Tests.AzureHosting;

/// <summary>One token request to <see cref="ManagedIdentityEndpoint"/>: which resource, for which user-assigned identity.</summary>
public sealed record TokenRequest(string Resource, string ClientId, string ApiVersion);

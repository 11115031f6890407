using Fjord.Protocol;

namespace Fjord.Broker.Server;

/// <summary>The header facts of one request, handed to its handler.</summary>
public sealed record RequestContext(ApiKey ApiKey, short ApiVersion, int CorrelationId, string? ClientId, ClientSession Session);

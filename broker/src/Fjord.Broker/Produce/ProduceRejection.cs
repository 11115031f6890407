using Fjord.Protocol;

namespace Fjord.Broker.Produce;

/// <summary>Why a partition of a produce request was refused before its append.</summary>
public sealed record ProduceRejection(ErrorCode Error, string? Message);

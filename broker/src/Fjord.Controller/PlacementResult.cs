using Fjord.Protocol;

namespace Fjord.Controller;

/// <summary>
/// The outcome of placing or validating replicas: either an assignment (index = partition id, first
/// replica = preferred leader) or a Kafka error code with the message Kafka would send alongside it.
/// </summary>
public sealed record PlacementResult(ErrorCode Error, string? ErrorMessage, IReadOnlyList<IReadOnlyList<int>> Assignment)
{
    public bool Succeeded => Error == ErrorCode.None;

    public static PlacementResult Success(IReadOnlyList<IReadOnlyList<int>> assignment) => new(ErrorCode.None, null, assignment);

    public static PlacementResult Failure(ErrorCode error, string message) => new(error, message, []);
}

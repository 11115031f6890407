using Microsoft.AspNetCore.Http;

namespace Fjord.Functions.Http;

/// <summary>A request refused for a reason the caller can fix; becomes a problem+json answer with <see cref="Status"/>.</summary>
public sealed class ApiProblemException(int status, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public static ApiProblemException BadRequest(string detail) => new(StatusCodes.Status400BadRequest, detail);

    public static ApiProblemException Forbidden(string detail) => new(StatusCodes.Status403Forbidden, detail);

    public static ApiProblemException NotFound(string detail) => new(StatusCodes.Status404NotFound, detail);
}

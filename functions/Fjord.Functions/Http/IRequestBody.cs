namespace Fjord.Functions.Http;

/// <summary>A request body type; its example is quoted in every 400 about the body, so the caller sees the expected shape.</summary>
public interface IRequestBody
{
    static abstract string Example { get; }
}

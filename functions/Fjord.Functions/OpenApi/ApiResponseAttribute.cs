namespace Fjord.Functions.OpenApi;

/// <summary>A successful answer an HTTP function gives, for the OpenAPI document (problems are documented for every operation).</summary>
/// <param name="status">The HTTP status.</param>
/// <param name="bodyType">The JSON body's type, or null for none.</param>
/// <param name="description">When the function answers this.</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ApiResponseAttribute(int status, Type? bodyType, string description) : Attribute
{
    public int Status { get; } = status;
    public Type? BodyType { get; } = bodyType;
    public string Description { get; } = description;
}

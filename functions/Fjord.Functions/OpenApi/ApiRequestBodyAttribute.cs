namespace Fjord.Functions.OpenApi;

/// <summary>The JSON body an HTTP function reads, for the OpenAPI document.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ApiRequestBodyAttribute(Type bodyType) : Attribute
{
    public Type BodyType { get; } = bodyType;
}

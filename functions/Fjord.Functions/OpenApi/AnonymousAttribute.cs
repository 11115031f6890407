namespace Fjord.Functions.OpenApi;

/// <summary>Marks an HTTP function that answers without an API key (the OpenAPI document itself).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AnonymousAttribute : Attribute;

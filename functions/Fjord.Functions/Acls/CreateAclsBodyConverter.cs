using System.Text.Json;
using System.Text.Json.Serialization;
using Fjord.Functions.Http;

namespace Fjord.Functions.Acls;

/// <summary>
/// Reads a <see cref="CreateAclsBody"/> from either shape: an object with <c>bindings</c> is a batch, any other
/// object one binding. Both are read with the caller's (strict) options, so unknown fields and wrong types are
/// refused the same way as everywhere else; the refusal names the field from the top of the body.
/// </summary>
public sealed class CreateAclsBodyConverter : JsonConverter<CreateAclsBody>
{
    public override CreateAclsBody? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw Refused("The body must be a JSON object");
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        try
        {
            if (root.TryGetProperty("bindings", out _))
            {
                var batch = root.Deserialize<Batch>(options) ?? throw Refused("The body is null");
                return new CreateAclsBody(batch.Bindings);
            }
            var one = root.Deserialize<AclBindingBody>(options) ?? throw Refused("The body is null");
            return new CreateAclsBody([one]);
        }
        catch (JsonException e)
        {
            // Thrown from a nested read, the serializer's own message would name the converter's position, not the field.
            throw Refused(JsonProblems.Describe(e));
        }
    }

    public override void Write(Utf8JsonWriter writer, CreateAclsBody value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        JsonSerializer.Serialize(writer, new Batch(value.Bindings), options);
    }

    private static ApiProblemException Refused(string problem) => ApiProblemException.BadRequest(problem + ". Expected e.g. " + CreateAclsBody.Example);

    private sealed record Batch(IReadOnlyList<AclBindingBody> Bindings);
}

using System.Text.Json;
using Fjord.Protocol.Generator.Model;

namespace Fjord.Protocol.Generator;

/// <summary>Turns one Kafka JSON message spec (with // comments) into a <see cref="MessageSpec"/>.</summary>
internal static class SpecLoader
{
    private static readonly JsonDocumentOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Members every generated class owns; a field or nested type with one of these names must be renamed.</summary>
    private static readonly HashSet<string> ReservedMembers =
        ["ApiKey", "Read", "Write", "LowestSupportedVersion", "HighestSupportedVersion", "IsAllDefault"];

    /// <summary>Members of a nested struct class (it has no ApiKey, so Kafka's ApiVersion.ApiKey keeps its name).</summary>
    private static readonly HashSet<string> StructMembers = ["Read", "Write", "IsAllDefault"];

    public static MessageSpec Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path), Options);
        var root = document.RootElement;
        var name = root.GetProperty("name").GetString()!;
        var structs = new Dictionary<string, StructSpec>(StringComparer.Ordinal);
        var ordered = new List<StructSpec>();

        if (root.TryGetProperty("commonStructs", out var common))
        {
            foreach (var element in common.EnumerateArray())
            {
                var spec = new StructSpec
                {
                    SpecName = element.GetProperty("name").GetString()!,
                    ClassName = element.GetProperty("name").GetString()!,
                    Fields = [],
                };
                structs.Add(spec.SpecName, spec);
                ordered.Add(spec);
            }

            // Fields are parsed after every common struct is registered: they may reference each other.
            var index = 0;
            foreach (var element in common.EnumerateArray())
            {
                ordered[index++].Fields.AddRange(ParseFields(element.GetProperty("fields"), structs, ordered, name));
            }
        }

        var message = new MessageSpec
        {
            Name = name,
            SourceFile = Path.GetFileName(path),
            Kind = root.GetProperty("type").GetString()!,
            ApiKey = root.TryGetProperty("apiKey", out var apiKey) ? apiKey.GetInt16() : null,
            ValidVersions = VersionRange.Parse(root.GetProperty("validVersions").GetString()),
            FlexibleVersions = VersionRange.Parse(root.GetProperty("flexibleVersions").GetString()),
            LatestVersionUnstable = root.TryGetProperty("latestVersionUnstable", out var unstable) && unstable.GetBoolean(),
            Fields = ParseFields(root.GetProperty("fields"), structs, ordered, name),
            Structs = ordered,
        };

        AssignContexts(message.Fields, message.ValidVersions);
        ResolveNames(message);
        return message;
    }

    private static List<FieldSpec> ParseFields(JsonElement fields, Dictionary<string, StructSpec> structs, List<StructSpec> ordered, string messageName)
    {
        var result = new List<FieldSpec>();
        foreach (var element in fields.EnumerateArray())
        {
            var type = element.GetProperty("type").GetString()!;
            var isArray = type.StartsWith("[]", StringComparison.Ordinal);
            var baseType = isArray ? type[2..] : type;
            var kind = ParseKind(baseType);
            var fieldName = element.GetProperty("name").GetString()!;

            StructSpec? structSpec = null;
            if (kind == PrimitiveKind.Struct)
            {
                if (element.TryGetProperty("fields", out var nested))
                {
                    if (structs.ContainsKey(baseType))
                    {
                        throw new InvalidDataException($"{messageName}: struct {baseType} is defined twice.");
                    }

                    structSpec = new StructSpec { SpecName = baseType, ClassName = baseType, Fields = [] };
                    structs.Add(baseType, structSpec);
                    ordered.Add(structSpec);
                    structSpec.Fields.AddRange(ParseFields(nested, structs, ordered, messageName));
                }
                else if (!structs.TryGetValue(baseType, out structSpec))
                {
                    throw new InvalidDataException($"{messageName}: field {fieldName} references unknown struct {baseType}.");
                }
            }

            result.Add(new FieldSpec
            {
                Name = fieldName,
                // A few specs spell fields in camelCase (CreateTopicsRequest's timeoutMs, validateOnly): C# properties are PascalCase.
                PropertyName = char.ToUpperInvariant(fieldName[0]) + fieldName[1..],
                About = element.TryGetProperty("about", out var about) ? about.GetString() ?? string.Empty : string.Empty,
                Kind = kind,
                IsArray = isArray,
                StructTypeName = structSpec?.SpecName,
                Struct = structSpec,
                Versions = VersionRange.Parse(element.GetProperty("versions").GetString()),
                NullableVersions = element.TryGetProperty("nullableVersions", out var nullable) ? VersionRange.Parse(nullable.GetString()) : VersionRange.None,
                Tag = element.TryGetProperty("tag", out var tag) ? ParseInt(tag) : null,
                TaggedVersions = element.TryGetProperty("taggedVersions", out var tagged) ? VersionRange.Parse(tagged.GetString()) : VersionRange.None,
                FlexibleOverride = element.TryGetProperty("flexibleVersions", out var flexible) ? VersionRange.Parse(flexible.GetString()) : null,
                Default = element.TryGetProperty("default", out var defaultValue) ? DefaultText(defaultValue) : null,
            });
        }

        return result;
    }

    // Some specs quote numbers ("tag": "0").
    private static int ParseInt(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? int.Parse(value.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : value.GetInt32();

    private static string DefaultText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetRawText(),
    };

    private static PrimitiveKind ParseKind(string type) => type switch
    {
        "bool" => PrimitiveKind.Bool,
        "int8" => PrimitiveKind.Int8,
        "int16" => PrimitiveKind.Int16,
        "uint16" => PrimitiveKind.UInt16,
        "int32" => PrimitiveKind.Int32,
        "uint32" => PrimitiveKind.UInt32,
        "int64" => PrimitiveKind.Int64,
        "float64" => PrimitiveKind.Float64,
        "string" => PrimitiveKind.String,
        "uuid" => PrimitiveKind.Uuid,
        "bytes" => PrimitiveKind.Bytes,
        "records" => PrimitiveKind.Records,
        _ => PrimitiveKind.Struct,
    };

    /// <summary>A struct is only ever read at versions where the field holding it is present.</summary>
    private static void AssignContexts(List<FieldSpec> fields, VersionRange context)
    {
        foreach (var field in fields)
        {
            if (field.Struct is null)
            {
                continue;
            }

            var inner = context.Intersect(field.Versions);
            if (inner.IsEmpty || field.Struct.Context.Covers(inner))
            {
                continue;
            }

            field.Struct.Context = field.Struct.Context.Hull(inner);
            AssignContexts(field.Struct.Fields, field.Struct.Context);
        }
    }

    private static void ResolveNames(MessageSpec message)
    {
        RenameClashingProperties(message.Fields, message.Name, ReservedMembers);
        foreach (var structSpec in message.Structs)
        {
            // A struct whose field shares its name keeps the field name; the class is renamed below.
            RenameClashingProperties(structSpec.Fields, className: null, StructMembers);
        }

        // Nested classes live inside the message class, so their names must not clash with the
        // message's own members, with each other, or with their own properties.
        var taken = new HashSet<string>(ReservedMembers, StringComparer.Ordinal) { message.Name };
        foreach (var field in message.Fields)
        {
            taken.Add(field.PropertyName);
        }

        foreach (var structSpec in message.Structs)
        {
            var own = structSpec.Fields.Select(f => f.PropertyName).ToHashSet(StringComparer.Ordinal);
            var candidate = structSpec.SpecName;
            string[] suffixes = ["Data", "Item", "Entry"];
            var attempt = 0;
            while (taken.Contains(candidate) || own.Contains(candidate))
            {
                candidate = structSpec.SpecName + suffixes[attempt++];
            }

            structSpec.ClassName = candidate;
            taken.Add(candidate);
        }
    }

    private static void RenameClashingProperties(List<FieldSpec> fields, string? className, HashSet<string> reserved)
    {
        foreach (var field in fields)
        {
            if (field.PropertyName == className || reserved.Contains(field.PropertyName))
            {
                field.PropertyName += "Value";
            }
        }
    }
}

using System.Globalization;
using Fjord.Protocol.Generator.Model;

namespace Fjord.Protocol.Generator.Emit;

/// <summary>C# types, default values and "differs from default" tests for spec fields.</summary>
internal static class TypeMap
{
    public const string Memory = "global::System.ReadOnlyMemory<byte>";

    public static string ElementType(FieldSpec field) => field.Kind switch
    {
        PrimitiveKind.Bool => "bool",
        PrimitiveKind.Int8 => "sbyte",
        PrimitiveKind.Int16 => "short",
        PrimitiveKind.UInt16 => "ushort",
        PrimitiveKind.Int32 => "int",
        PrimitiveKind.UInt32 => "uint",
        PrimitiveKind.Int64 => "long",
        PrimitiveKind.Float64 => "double",
        PrimitiveKind.String => "string",
        PrimitiveKind.Uuid => "global::System.Guid",
        PrimitiveKind.Bytes => Memory,
        PrimitiveKind.Records => Memory,
        PrimitiveKind.Struct => field.Struct!.ClassName,
        _ => throw new InvalidOperationException(field.Kind.ToString()),
    };

    public static string PropertyType(FieldSpec field)
    {
        var type = field.IsArray ? $"global::System.Collections.Generic.List<{ElementType(field)}>" : ElementType(field);
        return field.IsNullableType && !IsValueTypeNeverNull(field) ? type + "?" : type;
    }

    /// <summary>The spec's default, or Kafka's implicit one (0, false, "", empty, zero UUID, null records).</summary>
    public static string DefaultValue(FieldSpec field)
    {
        var text = field.Default;
        if (field.IsArray)
        {
            return text == "null" ? "null" : "new()";
        }

        switch (field.Kind)
        {
            case PrimitiveKind.Bool:
                return text is null ? "false" : text.ToLowerInvariant();
            case PrimitiveKind.Int8:
            case PrimitiveKind.Int16:
            case PrimitiveKind.UInt16:
            case PrimitiveKind.Int32:
            case PrimitiveKind.UInt32:
            case PrimitiveKind.Int64:
                return text is null ? "0" : IntegerLiteral(text, field.Kind);
            case PrimitiveKind.Float64:
                return text is null ? "0d" : double.Parse(text, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture) + "d";
            case PrimitiveKind.String:
                return text == "null" ? "null" : Literal(text ?? string.Empty);
            case PrimitiveKind.Uuid:
                return "global::System.Guid.Empty";
            case PrimitiveKind.Bytes:
                return text == "null" ? "null" : Memory + ".Empty";
            case PrimitiveKind.Records:
                return "null";
            case PrimitiveKind.Struct:
                return text == "null" ? "null" : "new()";
            default:
                throw new InvalidOperationException(field.Kind.ToString());
        }
    }

    /// <summary>C# expression true when the property holds something other than its default (tagged fields are only sent then).</summary>
    public static string DiffersFromDefault(FieldSpec field)
    {
        var name = field.PropertyName;
        var defaultValue = DefaultValue(field);
        if (field.IsArray)
        {
            if (defaultValue == "null")
            {
                return $"{name} is not null";
            }

            return field.IsNullableType ? $"({name} is null || {name}.Count != 0)" : $"{name}.Count != 0";
        }

        switch (field.Kind)
        {
            case PrimitiveKind.String:
                return defaultValue == "null"
                    ? $"{name} is not null"
                    : $"!string.Equals({name}, {defaultValue}, global::System.StringComparison.Ordinal)";
            case PrimitiveKind.Bytes:
                if (defaultValue == "null")
                {
                    return $"{name} is not null";
                }

                return field.IsNullableType ? $"({name} is null || !{name}.Value.IsEmpty)" : $"!{name}.IsEmpty";
            case PrimitiveKind.Records:
                return $"{name} is not null";
            case PrimitiveKind.Struct:
                if (defaultValue == "null")
                {
                    return $"{name} is not null";
                }

                return field.IsNullableType ? $"({name} is null || !{name}.IsAllDefault())" : $"!{name}.IsAllDefault()";
            case PrimitiveKind.Float64:
                return $"{name}.CompareTo({defaultValue}) != 0";
            default:
                return $"{name} != {defaultValue}";
        }
    }

    /// <summary>Fixed wire size of a scalar, or null when the size depends on the value.</summary>
    public static int? FixedSize(FieldSpec field)
    {
        if (field.IsArray)
        {
            return null;
        }

        return field.Kind switch
        {
            PrimitiveKind.Bool or PrimitiveKind.Int8 => 1,
            PrimitiveKind.Int16 or PrimitiveKind.UInt16 => 2,
            PrimitiveKind.Int32 or PrimitiveKind.UInt32 => 4,
            PrimitiveKind.Int64 or PrimitiveKind.Float64 => 8,
            PrimitiveKind.Uuid => 16,
            _ => null,
        };
    }

    public static string Literal(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    public static string XmlEscape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    // Guid and the integer types cannot be null; the spec never marks them nullable.
    private static bool IsValueTypeNeverNull(FieldSpec field) =>
        !field.IsArray && field.Kind is not (PrimitiveKind.String or PrimitiveKind.Bytes or PrimitiveKind.Records or PrimitiveKind.Struct);

    private static string IntegerLiteral(string text, PrimitiveKind kind)
    {
        var negative = text.StartsWith('-');
        var digits = negative ? text[1..] : text;
        long value = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.Parse(digits[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : long.Parse(digits, NumberStyles.Integer, CultureInfo.InvariantCulture);
        if (negative)
        {
            value = -value;
        }

        var literal = value.ToString(CultureInfo.InvariantCulture);
        return kind == PrimitiveKind.Int64 ? literal + "L" : literal;
    }
}

using Fjord.Protocol.Generator.Model;

namespace Fjord.Protocol.Generator.Emit;

internal sealed partial class MessageEmitter
{
    private void EmitRead(List<FieldSpec> fields, VersionRange context)
    {
        _code.Open("public void Read(ref KafkaReader reader, short version)");

        // Tagged fields may be absent from the wire: start from their defaults.
        foreach (var field in fields.Where(f => f.IsTagged))
        {
            _code.Line($"{field.PropertyName} = {TypeMap.DefaultValue(field)};");
        }

        foreach (var field in fields.Where(f => !f.IsTagged))
        {
            var present = Conditions.InRange(field.Versions, context);
            if (present == Conditions.False)
            {
                _code.Line($"{field.PropertyName} = {TypeMap.DefaultValue(field)};");
                continue;
            }

            if (present == Conditions.True)
            {
                EmitReadField(field, context.Intersect(field.Versions));
                continue;
            }

            _code.Open($"if ({present})");
            EmitReadField(field, context.Intersect(field.Versions));
            _code.Close();
            _code.Open("else");
            _code.Line($"{field.PropertyName} = {TypeMap.DefaultValue(field)};");
            _code.Close();
        }

        var flexible = Conditions.InRange(_message.FlexibleVersions, context);
        if (flexible != Conditions.False)
        {
            if (flexible != Conditions.True)
            {
                _code.Open($"if ({flexible})");
            }

            EmitReadTaggedFields(fields, context.Intersect(_message.FlexibleVersions));

            if (flexible != Conditions.True)
            {
                _code.Close();
            }
        }

        _code.Close();
    }

    private void EmitReadTaggedFields(List<FieldSpec> fields, VersionRange context)
    {
        var tagged = fields
            .Where(f => f.IsTagged && !TaggedPresence(f).Intersect(context).IsEmpty)
            .OrderBy(f => f.Tag)
            .ToList();
        if (tagged.Count == 0)
        {
            _code.Line("reader.SkipTaggedFields();");
            return;
        }

        _code.Line("var taggedCount = reader.ReadTaggedFieldCount();");
        _code.Open("for (var tagIndex = 0; tagIndex < taggedCount; tagIndex++)");
        _code.Line("var tag = reader.ReadTaggedFieldTag();");
        _code.Line("var tagSize = reader.ReadTaggedFieldSize();");
        _code.Line("var tagStart = reader.Position;");
        _code.Open("switch (tag)");
        foreach (var field in tagged)
        {
            var presence = TaggedPresence(field);
            var when = Conditions.InRange(presence, context);
            _code.Line(when == Conditions.True ? $"case {field.Tag}:" : $"case {field.Tag} when {when}:");
            _code.Open();
            EmitReadField(field, context.Intersect(presence));
            _code.Line("reader.EndTaggedField(tagStart, tagSize);");
            _code.Line("break;");
            _code.Close();
        }

        _code.Line("default:");
        _code.Open();
        _code.Line("// Unknown tags are how newer peers extend a version: skip them.");
        _code.Line("reader.Skip(tagSize);");
        _code.Line("break;");
        _code.Close();
        _code.Close();
        _code.Close();
    }

    private void EmitReadField(FieldSpec field, VersionRange context)
    {
        var name = field.PropertyName;
        var flexible = Conditions.InRange(FlexibleFor(field), context);
        var nullable = Conditions.InRange(field.NullableVersions, context);

        if (field.IsArray)
        {
            EmitReadArray(field, flexible, nullable);
            return;
        }

        switch (field.Kind)
        {
            case PrimitiveKind.String:
                _code.Line($"{name} = {Conditions.Choose(flexible, Conditions.Choose(nullable, "reader.ReadCompactNullableString()", "reader.ReadCompactString()"), Conditions.Choose(nullable, "reader.ReadNullableString()", "reader.ReadString()"))};");
                break;
            case PrimitiveKind.Bytes:
                _code.Line($"{name} = {Conditions.Choose(flexible, Conditions.Choose(nullable, "reader.ReadCompactNullableBytes()", "reader.ReadCompactBytes()"), Conditions.Choose(nullable, "reader.ReadNullableBytes()", "reader.ReadBytes()"))};");
                break;
            case PrimitiveKind.Records:
                _code.Line($"{name} = reader.ReadRecords(compact: {flexible});");
                break;
            case PrimitiveKind.Struct:
                EmitReadStruct(field, nullable);
                break;
            default:
                _code.Line($"{name} = reader.Read{ScalarMethod(field.Kind)}();");
                break;
        }
    }

    private void EmitReadStruct(FieldSpec field, string nullable)
    {
        var name = field.PropertyName;
        if (nullable != Conditions.False)
        {
            // Kafka marks a nullable struct with one int8: -1 for null, 1 for present.
            var test = nullable == Conditions.True ? "reader.ReadInt8() < 0" : $"({nullable}) && reader.ReadInt8() < 0";
            _code.Open($"if ({test})");
            _code.Line($"{name} = null;");
            _code.Close();
            _code.Open("else");
        }
        else
        {
            _code.Open();
        }

        _code.Line($"var value = new {field.Struct!.ClassName}();");
        _code.Line("value.Read(ref reader, version);");
        _code.Line($"{name} = value;");
        _code.Close();
    }

    private void EmitReadArray(FieldSpec field, string flexible, string nullable)
    {
        var name = field.PropertyName;
        _code.Open();
        _code.Line($"var count = {Conditions.Choose(flexible, "reader.ReadCompactArrayLength()", "reader.ReadArrayLength()")};");
        _code.Open("if (count < 0)");
        if (nullable == Conditions.False)
        {
            _code.Line($"throw new MalformedMessageException(\"Non-nullable array {name} was null.\");");
        }
        else
        {
            if (nullable != Conditions.True)
            {
                _code.Open($"if (!({nullable}))");
                _code.Line($"throw new MalformedMessageException(\"Non-nullable array {name} was null.\");");
                _code.Close();
            }

            _code.Line($"{name} = null;");
        }

        _code.Close();
        _code.Open("else");
        _code.Line($"var list = new global::System.Collections.Generic.List<{TypeMap.ElementType(field)}>(count);");
        _code.Open("for (var i = 0; i < count; i++)");
        switch (field.Kind)
        {
            case PrimitiveKind.Struct:
                _code.Line($"var item = new {field.Struct!.ClassName}();");
                _code.Line("item.Read(ref reader, version);");
                _code.Line("list.Add(item);");
                break;
            case PrimitiveKind.String:
                _code.Line($"list.Add({Conditions.Choose(flexible, "reader.ReadCompactString()", "reader.ReadString()")});");
                break;
            case PrimitiveKind.Bytes:
                _code.Line($"list.Add({Conditions.Choose(flexible, "reader.ReadCompactBytes()", "reader.ReadBytes()")});");
                break;
            case PrimitiveKind.Records:
                throw new InvalidDataException($"{_message.Name}.{name}: arrays of records are not a Kafka type.");
            default:
                _code.Line($"list.Add(reader.Read{ScalarMethod(field.Kind)}());");
                break;
        }

        _code.Close();
        _code.Line($"{name} = list;");
        _code.Close();
        _code.Close();
    }
}

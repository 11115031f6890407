using Fjord.Protocol.Generator.Model;

namespace Fjord.Protocol.Generator.Emit;

internal sealed partial class MessageEmitter
{
    private void EmitWrite(List<FieldSpec> fields, VersionRange context, string className)
    {
        _code.Open("public void Write(ref KafkaWriter writer, short version)");

        foreach (var field in fields.Where(f => !f.IsTagged))
        {
            var present = Conditions.InRange(field.Versions, context);
            if (present == Conditions.False)
            {
                continue;
            }

            if (present != Conditions.True)
            {
                _code.Open($"if ({present})");
            }

            EmitWriteField(field, context.Intersect(field.Versions), "writer", className);

            if (present != Conditions.True)
            {
                _code.Close();
            }
        }

        var flexible = Conditions.InRange(_message.FlexibleVersions, context);
        if (flexible != Conditions.False)
        {
            if (flexible != Conditions.True)
            {
                _code.Open($"if ({flexible})");
            }

            EmitWriteTaggedFields(fields, context.Intersect(_message.FlexibleVersions), className);

            if (flexible != Conditions.True)
            {
                _code.Close();
            }
        }

        _code.Close();
    }

    private void EmitWriteTaggedFields(List<FieldSpec> fields, VersionRange context, string className)
    {
        var tagged = fields
            .Where(f => f.IsTagged && !TaggedPresence(f).Intersect(context).IsEmpty)
            .OrderBy(f => f.Tag)
            .ToList();
        if (tagged.Count == 0)
        {
            _code.Line("writer.WriteEmptyTaggedFields();");
            return;
        }

        // Kafka sends a tagged field only when it differs from its default; the count comes first.
        var sendConditions = tagged
            .Select(f => Conditions.And(Conditions.InRange(TaggedPresence(f), context), TypeMap.DiffersFromDefault(f)))
            .ToList();
        _code.Line("var taggedCount = 0;");
        foreach (var condition in sendConditions)
        {
            _code.Open($"if ({condition})");
            _code.Line("taggedCount++;");
            _code.Close();
        }

        _code.Line("writer.WriteUnsignedVarInt((uint)taggedCount);");
        for (var i = 0; i < tagged.Count; i++)
        {
            var field = tagged[i];
            var fieldContext = context.Intersect(TaggedPresence(field));
            _code.Open($"if ({sendConditions[i]})");
            _code.Line($"writer.WriteUnsignedVarInt({field.Tag});");
            if (TypeMap.FixedSize(field) is { } size)
            {
                _code.Line($"writer.WriteUnsignedVarInt({size});");
                EmitWriteField(field, fieldContext, "writer", className);
            }
            else
            {
                // The size precedes the value: encode it aside first. Tagged fields are rare and small.
                _code.Line("using var tagBuffer = new PooledBufferWriter();");
                _code.Line("var tagWriter = new KafkaWriter(tagBuffer);");
                EmitWriteField(field, fieldContext, "tagWriter", className);
                _code.Line("writer.WriteUnsignedVarInt((uint)tagBuffer.WrittenCount);");
                _code.Line("writer.WriteRaw(tagBuffer.WrittenSpan);");
            }

            _code.Close();
        }
    }

    private void EmitWriteField(FieldSpec field, VersionRange context, string writer, string className)
    {
        var name = field.PropertyName;
        var flexible = Conditions.InRange(FlexibleFor(field), context);
        var nullable = Conditions.InRange(field.NullableVersions, context);
        var nonNull = field.IsNullableType ? $"({name} ?? throw SerializationErrors.NullField(\"{className}.{name}\", version))" : name;

        if (field.IsArray)
        {
            EmitWriteArray(field, flexible, nullable, writer, className);
            return;
        }

        switch (field.Kind)
        {
            case PrimitiveKind.String:
                EmitChoice(
                    flexible,
                    () => EmitChoice(nullable, $"{writer}.WriteCompactNullableString({name});", $"{writer}.WriteCompactString({nonNull});"),
                    () => EmitChoice(nullable, $"{writer}.WriteNullableString({name});", $"{writer}.WriteString({nonNull});"));
                break;
            case PrimitiveKind.Bytes:
                EmitChoice(
                    flexible,
                    () => EmitChoice(nullable, $"{writer}.WriteCompactNullableBytes({name});", $"{writer}.WriteCompactBytes({nonNull}.Span);"),
                    () => EmitChoice(nullable, $"{writer}.WriteNullableBytes({name});", $"{writer}.WriteBytes({nonNull}.Span);"));
                break;
            case PrimitiveKind.Records:
                _code.Line($"{writer}.WriteRecords({name}, compact: {flexible});");
                break;
            case PrimitiveKind.Struct:
                if (nullable == Conditions.False)
                {
                    _code.Line($"{nonNull}.Write(ref {writer}, version);");
                    break;
                }

                _code.Open($"if ({name} is null)");
                if (nullable != Conditions.True)
                {
                    _code.Open($"if (!({nullable}))");
                    _code.Line($"throw SerializationErrors.NullField(\"{className}.{name}\", version);");
                    _code.Close();
                }

                _code.Line($"{writer}.WriteInt8(-1);");
                _code.Close();
                _code.Open("else");
                if (nullable == Conditions.True)
                {
                    _code.Line($"{writer}.WriteInt8(1);");
                }
                else
                {
                    _code.Open($"if ({nullable})");
                    _code.Line($"{writer}.WriteInt8(1);");
                    _code.Close();
                }

                _code.Line($"{name}.Write(ref {writer}, version);");
                _code.Close();
                break;
            default:
                _code.Line($"{writer}.Write{ScalarMethod(field.Kind)}({name});");
                break;
        }
    }

    private void EmitWriteArray(FieldSpec field, string flexible, string nullable, string writer, string className)
    {
        var name = field.PropertyName;
        var lengthMethod = flexible == Conditions.True ? "WriteCompactArrayLength" : flexible == Conditions.False ? "WriteArrayLength" : null;
        void WriteLength(string count)
        {
            if (lengthMethod is not null)
            {
                _code.Line($"{writer}.{lengthMethod}({count});");
            }
            else
            {
                EmitChoice(flexible, $"{writer}.WriteCompactArrayLength({count});", $"{writer}.WriteArrayLength({count});");
            }
        }

        if (field.IsNullableType)
        {
            _code.Open($"if ({name} is null)");
            if (nullable != Conditions.True)
            {
                if (nullable != Conditions.False)
                {
                    _code.Open($"if (!({nullable}))");
                }

                _code.Line($"throw SerializationErrors.NullField(\"{className}.{name}\", version);");
                if (nullable != Conditions.False)
                {
                    _code.Close();
                }
            }

            if (nullable != Conditions.False)
            {
                WriteLength("-1");
            }

            _code.Close();
            _code.Open("else");
        }
        else
        {
            _code.Open();
        }

        WriteLength($"{name}.Count");
        _code.Open($"foreach (var item in {name})");
        switch (field.Kind)
        {
            case PrimitiveKind.Struct:
                _code.Line($"item.Write(ref {writer}, version);");
                break;
            case PrimitiveKind.String:
                EmitChoice(flexible, $"{writer}.WriteCompactString(item);", $"{writer}.WriteString(item);");
                break;
            case PrimitiveKind.Bytes:
                EmitChoice(flexible, $"{writer}.WriteCompactBytes(item.Span);", $"{writer}.WriteBytes(item.Span);");
                break;
            default:
                _code.Line($"{writer}.Write{ScalarMethod(field.Kind)}(item);");
                break;
        }

        _code.Close();
        _code.Close();
    }

    private void EmitChoice(string condition, string whenTrue, string whenFalse) =>
        EmitChoice(condition, () => _code.Line(whenTrue), () => _code.Line(whenFalse));

    private void EmitChoice(string condition, Action whenTrue, Action whenFalse)
    {
        if (condition == Conditions.True)
        {
            whenTrue();
            return;
        }

        if (condition == Conditions.False)
        {
            whenFalse();
            return;
        }

        _code.Open($"if ({condition})");
        whenTrue();
        _code.Close();
        _code.Open("else");
        whenFalse();
        _code.Close();
    }
}

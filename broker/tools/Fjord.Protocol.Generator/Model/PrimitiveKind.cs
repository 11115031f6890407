namespace Fjord.Protocol.Generator.Model;

/// <summary>The spec's field types; arrays are a flag on <see cref="FieldSpec"/>.</summary>
internal enum PrimitiveKind
{
    Bool,
    Int8,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    Float64,
    String,
    Uuid,
    Bytes,
    Records,
    Struct,
}

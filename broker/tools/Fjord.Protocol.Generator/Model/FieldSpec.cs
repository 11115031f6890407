namespace Fjord.Protocol.Generator.Model;

/// <summary>One field of a message or struct, with its version sets already clipped to where it can appear.</summary>
internal sealed class FieldSpec
{
    public required string Name { get; init; }

    /// <summary>C# property name (differs from <see cref="Name"/> only to dodge a clash).</summary>
    public required string PropertyName { get; set; }

    public required string About { get; init; }

    public required PrimitiveKind Kind { get; init; }

    public required bool IsArray { get; init; }

    /// <summary>The spec's type name of the struct (element type for arrays); null for primitives.</summary>
    public string? StructTypeName { get; init; }

    public StructSpec? Struct { get; set; }

    public required VersionRange Versions { get; init; }

    public required VersionRange NullableVersions { get; init; }

    public int? Tag { get; init; }

    public required VersionRange TaggedVersions { get; init; }

    /// <summary>Field-level flexibleVersions override (RequestHeader.ClientId says "none").</summary>
    public VersionRange? FlexibleOverride { get; init; }

    public string? Default { get; init; }

    public bool IsTagged => Tag is not null;

    /// <summary>Nullable in at least one version where present: the C# type must admit null.</summary>
    public bool IsNullableType =>
        Kind == PrimitiveKind.Records
        || !NullableVersions.Intersect(Versions).IsEmpty
        || (Default == "null" && Kind != PrimitiveKind.Uuid);
}

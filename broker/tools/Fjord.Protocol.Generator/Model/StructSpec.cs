namespace Fjord.Protocol.Generator.Model;

/// <summary>A nested structure (array element or single struct field), emitted as a nested class of its message.</summary>
internal sealed class StructSpec
{
    public required string SpecName { get; init; }

    public required string ClassName { get; set; }

    public required List<FieldSpec> Fields { get; init; }

    /// <summary>Versions in which the struct can be read or written (hull of every place that uses it).</summary>
    public VersionRange Context { get; set; } = VersionRange.None;
}

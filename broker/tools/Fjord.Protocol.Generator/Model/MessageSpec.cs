namespace Fjord.Protocol.Generator.Model;

/// <summary>A request, response or header as described by one JSON spec file.</summary>
internal sealed class MessageSpec
{
    public required string Name { get; init; }

    public required string SourceFile { get; init; }

    /// <summary>"request", "response" or "header".</summary>
    public required string Kind { get; init; }

    public short? ApiKey { get; init; }

    public required VersionRange ValidVersions { get; init; }

    public required VersionRange FlexibleVersions { get; init; }

    public bool LatestVersionUnstable { get; init; }

    public required List<FieldSpec> Fields { get; init; }

    /// <summary>Every struct reachable from the message, flattened, in declaration order.</summary>
    public required List<StructSpec> Structs { get; init; }

    /// <summary>The API name: the message name minus "Request"/"Response".</summary>
    public string ApiName => Kind switch
    {
        "request" => Name[..^"Request".Length],
        "response" => Name[..^"Response".Length],
        _ => Name,
    };
}

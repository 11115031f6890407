namespace Fjord.Infra.Tests;

/// <summary>The tests that share one Bicep build.</summary>
[CollectionDefinition(Name)]
public sealed class InfraCollection : ICollectionFixture<InfraBuild>
{
    public const string Name = "infra";
}

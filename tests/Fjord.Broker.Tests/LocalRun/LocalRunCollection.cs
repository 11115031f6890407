namespace Fjord.Broker.Tests.LocalRun;

/// <summary>
/// Each test runs Azurite and up to three brokers through fjord.sh; alone, after the parallel
/// collections, they do not compete with other clusters for the two cores of a CI machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LocalRunCollection
{
    public const string Name = "local-run";
}

namespace Fjord.ControlPlane.Tests.Functions;

/// <summary>The API tests share one control plane and run one at a time, so "the stored state is unchanged" means what it says.</summary>
[CollectionDefinition(Name)]
public sealed class ControlPlaneCollection : ICollectionFixture<ControlPlaneFixture>
{
    public const string Name = "Control plane API";
}

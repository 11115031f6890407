namespace Fjord.Tiering.Tests.Manager;

/// <summary>Thrown by a fake at an armed fault point: the test's stand-in for a crash or an outage.</summary>
public sealed class InjectedFaultException(string point) : Exception($"injected fault at {point}")
{
    public string Point { get; } = point;
}

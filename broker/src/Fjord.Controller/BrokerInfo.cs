namespace Fjord.Controller;

/// <summary>
/// A broker as replica placement sees it: its id and its rack (<c>broker.rack</c>), null when unset.
/// </summary>
public sealed record BrokerInfo(int Id, string? Rack)
{
    public bool HasRack => !string.IsNullOrEmpty(Rack);
}

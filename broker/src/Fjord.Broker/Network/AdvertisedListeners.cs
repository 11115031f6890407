using Fjord.Broker.Configuration;

namespace Fjord.Broker.Network;

/// <summary>
/// Where clients reach this broker (Kafka's advertised.listeners). Known only once the listeners are
/// bound, since an advertised port 0 means "the port the OS gave the listener of that name"; the
/// composition root resolves it once, before the broker registers or serves a request.
/// </summary>
public sealed class AdvertisedListeners
{
    private IReadOnlyList<ListenerEndpoint> _endpoints = [];

    public IReadOnlyList<ListenerEndpoint> Endpoints => Volatile.Read(ref _endpoints);

    /// <summary>Fixes the endpoints from the configured <paramref name="advertised"/> ones and the <paramref name="bound"/> listeners.</summary>
    public void Resolve(IReadOnlyList<ListenerEndpoint> advertised, IReadOnlyList<ListenerEndpoint> bound)
    {
        ArgumentNullException.ThrowIfNull(advertised);
        ArgumentNullException.ThrowIfNull(bound);
        ListenerEndpoint[] resolved = [.. advertised.Select(a => a.Port != 0 ? a
            : a with { Port = bound.FirstOrDefault(b => b.Name == a.Name)?.Port ?? throw new ConfigException($"advertised listener {a} has no bound listener") })];
        Volatile.Write(ref _endpoints, resolved);
    }

    /// <summary>The endpoint to advertise to a client connected through <paramref name="listener"/>.</summary>
    public ListenerEndpoint For(ListenerEndpoint listener)
    {
        var endpoints = Endpoints;
        return endpoints.FirstOrDefault(l => l.Name == listener.Name) ?? endpoints[0];
    }
}

namespace Fjord.Broker.Network;

/// <summary>
/// The accept loop's wait under resource pressure: 100 ms, doubling to 1 s, back to the start after a
/// successful accept. Short enough to recover quickly once descriptors free up, long enough not to spin.
/// </summary>
internal sealed class AcceptBackoff
{
    internal static readonly TimeSpan First = TimeSpan.FromMilliseconds(100);
    internal static readonly TimeSpan Max = TimeSpan.FromSeconds(1);

    private TimeSpan _next = First;

    /// <summary>True between the first failure of an episode and the next successful accept.</summary>
    public bool InEpisode { get; private set; }

    /// <summary>Failures since the episode began.</summary>
    public int Failures { get; private set; }

    public TimeSpan NextDelay()
    {
        InEpisode = true;
        Failures++;
        var delay = _next;
        _next = _next * 2 > Max ? Max : _next * 2;
        return delay;
    }

    public void Reset()
    {
        InEpisode = false;
        Failures = 0;
        _next = First;
    }
}

using Fjord.Protocol;

namespace Fjord.Broker.Network;

/// <summary>What a handler reports to the client quotas about each request it answered.</summary>
internal interface IRequestQuotas
{
    /// <summary>A <see cref="TimeProvider"/> timestamp, to measure a request's handling with.</summary>
    long Timestamp();

    /// <summary>The answer to a request a quota refuses outright (KIP-599's THROTTLING_QUOTA_EXCEEDED), or null to handle it.</summary>
    IKafkaMessage? Refuse(RequestContext context, IKafkaMessage request);

    /// <summary>
    /// Records the request against the client's quotas and returns its throttle time (0 when within them). A throttled
    /// client's connection is muted for that long once its response is sent (KIP-219).
    /// </summary>
    /// <param name="response">Null when none is sent (acks=0), which is throttled all the same.</param>
    /// <param name="requestBytes">The request body's size.</param>
    /// <param name="started">When handling began (<see cref="Timestamp"/>).</param>
    /// <param name="waited">Of the time since, how long the handler waited (timestamp ticks).</param>
    int Record(RequestContext context, IKafkaMessage request, IKafkaMessage? response, int requestBytes, long started, long waited);
}

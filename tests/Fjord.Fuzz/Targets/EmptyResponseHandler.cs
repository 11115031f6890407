using Fjord.Broker.Network;
using Fjord.Protocol;

namespace Fjord.Fuzz.Targets;

/// <summary>
/// A handler that parses its request with the broker's own <see cref="ApiHandler{TRequest, TResponse}"/>
/// plumbing and answers with the response's defaults, so a frame goes through the dispatcher's
/// framing, header and version checks, the request codec and the response writers, without the
/// broker's state behind them.
/// </summary>
internal sealed class EmptyResponseHandler<TRequest, TResponse>(ApiKey apiKey, short minVersion, short maxVersion)
    : ApiHandler<TRequest, TResponse>
    where TRequest : IKafkaMessage, new()
    where TResponse : class, IKafkaMessage, new()
{
    public override ApiKey ApiKey { get; } = apiKey;

    public override short MinVersion { get; } = minVersion;

    public override short MaxVersion { get; } = maxVersion;

    protected override ValueTask<TResponse?> HandleAsync(RequestContext request, TRequest body, CancellationToken ct) =>
        ValueTask.FromResult<TResponse?>(new TResponse());
}

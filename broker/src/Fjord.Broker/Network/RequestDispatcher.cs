using System.Buffers.Binary;
using System.Collections.Frozen;
using Fjord.Broker.Observability;
using Fjord.Protocol;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Network;

/// <summary>
/// Turns one request frame into one response frame: header, version check, handler,
/// response header. A frame that cannot be parsed closes the connection, as Kafka does
/// with an InvalidRequestException; the broker and its other connections carry on.
/// </summary>
public sealed partial class RequestDispatcher
{
    private readonly FrozenDictionary<ApiKey, ApiHandler> _handlers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RequestMetrics? _metrics;

    public RequestDispatcher(IEnumerable<ApiHandler> handlers, ILogger<RequestDispatcher> logger)
        : this(handlers, logger, TimeProvider.System)
    {
    }

    /// <param name="metrics">Times each request per API; none where nothing measures.</param>
    public RequestDispatcher(IEnumerable<ApiHandler> handlers, ILogger<RequestDispatcher> logger, TimeProvider time, RequestMetrics? metrics = null)
    {
        _handlers = handlers.ToFrozenDictionary(h => h.ApiKey);
        _logger = logger;
        _time = time;
        _metrics = metrics;
    }

    public IEnumerable<ApiHandler> Handlers => _handlers.Values.OrderBy(h => (short)h.ApiKey);

    public async ValueTask<DispatchOutcome> HandleAsync(ReadOnlyMemory<byte> frame, ClientSession session, ResponseBuffer output, CancellationToken ct)
    {
        if (session.Sasl.Stage == SaslStage.RawToken) return await HandleRawSaslTokenAsync(frame, session, output, ct);
        var started = _metrics is null ? 0 : _time.GetTimestamp();
        if (frame.Length < 8)
        {
            LogMalformed(session.ConnectionId, "frame shorter than a request header");
            return DispatchOutcome.CloseConnection;
        }
        var apiKey = (ApiKey)BinaryPrimitives.ReadInt16BigEndian(frame.Span);
        var apiVersion = BinaryPrimitives.ReadInt16BigEndian(frame.Span[2..]);
        var correlationId = BinaryPrimitives.ReadInt32BigEndian(frame.Span[4..]);

        if (!_handlers.TryGetValue(apiKey, out var handler))
        {
            LogUnsupported(session.ConnectionId, (short)apiKey, apiVersion);
            return DispatchOutcome.CloseConnection;
        }
        if (apiVersion < handler.MinVersion || apiVersion > handler.MaxVersion)
        {
            // The body cannot be parsed; the one API that answers anyway does so at v0 with a v0 header.
            output.GetSpan(4);
            output.Advance(4);
            WriteResponseHeader(correlationId, 0, output);
            if (handler.TryWriteUnsupportedVersionResponse(output))
            {
                output.PatchSizePrefix();
                return DispatchOutcome.Continue;
            }
            output.Reset();
            LogUnsupported(session.ConnectionId, (short)apiKey, apiVersion);
            return DispatchOutcome.CloseConnection;
        }

        RequestHeader header;
        int bodyStart;
        try
        {
            var reader = new KafkaReader(frame);
            header = new RequestHeader();
            header.Read(ref reader, ApiMessages.RequestHeaderVersion(apiKey, apiVersion));
            bodyStart = reader.Position;
        }
        catch (MalformedMessageException e)
        {
            LogMalformed(session.ConnectionId, e.Message);
            return DispatchOutcome.CloseConnection;
        }

        if (!IsAllowedNow(apiKey, session)) return DispatchOutcome.CloseConnection;

        var context = new RequestContext(apiKey, apiVersion, correlationId, header.ClientId, session);
        output.GetSpan(4);
        output.Advance(4); // size, patched below
        WriteResponseHeader(correlationId, ApiMessages.ResponseHeaderVersion(apiKey, apiVersion), output);
        bool respond;
        try
        {
            respond = await handler.HandleAsync(context, frame[bodyStart..], output, ct);
        }
        catch (MalformedMessageException e)
        {
            LogMalformed(session.ConnectionId, $"{apiKey} v{apiVersion}: {e.Message}");
            output.Reset();
            return DispatchOutcome.CloseConnection;
        }
        if (!respond)
        {
            output.Reset();
            _metrics?.Record(apiKey, _time.GetElapsedTime(started));
            return context.CloseConnection ? DispatchOutcome.CloseConnection : DispatchOutcome.Continue;
        }
        output.PatchSizePrefix();
        if (context.ResponseDelay > TimeSpan.Zero) await Task.Delay(context.ResponseDelay, _time, ct);
        _metrics?.Record(apiKey, _time.GetElapsedTime(started));
        return context.CloseAfterResponse ? DispatchOutcome.CloseAfterResponse : DispatchOutcome.Continue;
    }

    /// <summary>
    /// Kafka's rule for a SASL listener: until the connection has authenticated, only ApiVersions and the
    /// SASL requests are served; and once its session has expired (KIP-368), only a re-authentication is.
    /// Anything else closes the connection, since the client is not following the protocol.
    /// </summary>
    private bool IsAllowedNow(ApiKey apiKey, ClientSession session)
    {
        if (apiKey is ApiKey.SaslHandshake or ApiKey.SaslAuthenticate) return true;
        if (!session.IsAuthenticated)
        {
            if (apiKey == ApiKey.ApiVersions) return true;
            LogUnauthenticated(session.ConnectionId, apiKey);
            return false;
        }
        if (session.Sasl.ExpiresAt is { } expiresAt && _time.GetUtcNow() >= expiresAt)
        {
            LogSessionExpired(session.ConnectionId, session.Principal.ToString(), apiKey);
            return false;
        }
        return true;
    }

    /// <summary>A bare SASL token after SaslHandshake v0: answered with a bare token; a failure has no error field, so it closes.</summary>
    private async ValueTask<DispatchOutcome> HandleRawSaslTokenAsync(ReadOnlyMemory<byte> frame, ClientSession session, ResponseBuffer output, CancellationToken ct)
    {
        var outcome = await SaslExchange.StepAsync(session, frame, _time, ct);
        if (outcome.Error is not null)
        {
            LogRawSaslFailed(session.ConnectionId, outcome.Error);
            await Task.Delay(session.Security.FailedAuthenticationDelay, _time, ct);
            return DispatchOutcome.CloseConnection;
        }
        var span = output.GetSpan(4 + outcome.Challenge.Length);
        BinaryPrimitives.WriteInt32BigEndian(span, outcome.Challenge.Length);
        outcome.Challenge.CopyTo(span[4..]);
        output.Advance(4 + outcome.Challenge.Length);
        return DispatchOutcome.Continue;
    }

    private static void WriteResponseHeader(int correlationId, short headerVersion, ResponseBuffer output)
    {
        var header = new ResponseHeader { CorrelationId = correlationId };
        var writer = new KafkaWriter(output);
        header.Write(ref writer, headerVersion);
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Connection {ConnectionId}: malformed request ({Reason}); closing")]
    private partial void LogMalformed(long connectionId, string reason);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Connection {ConnectionId}: {ApiKey} before authenticating; closing")]
    private partial void LogUnauthenticated(long connectionId, ApiKey apiKey);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "Connection {ConnectionId}: session of {Principal} expired without re-authenticating ({ApiKey} received); closing")]
    private partial void LogSessionExpired(long connectionId, string principal, ApiKey apiKey);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Information, Message = "Connection {ConnectionId}: SASL authentication failed ({Reason}); closing")]
    private partial void LogRawSaslFailed(long connectionId, string reason);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Connection {ConnectionId}: unsupported API {ApiKey} v{ApiVersion}; closing")]
    private partial void LogUnsupported(long connectionId, short apiKey, short apiVersion);
}

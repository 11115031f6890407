using Fjord.Protocol;

namespace Fjord.Broker.Network;

/// <summary>One Kafka API as this broker serves it: the advertised version range and how to answer.</summary>
public abstract class ApiHandler
{
    public abstract ApiKey ApiKey { get; }
    public abstract short MinVersion { get; }
    public abstract short MaxVersion { get; }

    /// <summary>Reads the request body, handles it and writes the response body; false when no response is due (acks=0).</summary>
    internal abstract ValueTask<bool> HandleAsync(RequestContext context, ReadOnlyMemory<byte> body, ResponseBuffer output, CancellationToken ct);

    /// <summary>
    /// Writes the v0 response body to a request whose version is outside the advertised range, or returns
    /// false to have the connection closed (Kafka's answer for every API but ApiVersions, see KIP-511).
    /// </summary>
    internal virtual bool TryWriteUnsupportedVersionResponse(ResponseBuffer output) => false;

    /// <summary>Whether tenants may call this API: it has a rewrite that moves its names into their namespace.</summary>
    internal abstract bool ServesTenants { get; }

    /// <summary>The client quotas every request of this API is recorded against (set once, when the broker's handlers are assembled).</summary>
    internal IRequestQuotas? Quotas { get; set; }
}

/// <summary>A handler over generated request/response messages.</summary>
public abstract class ApiHandler<TRequest, TResponse> : ApiHandler
    where TRequest : IKafkaMessage, new()
    where TResponse : class, IKafkaMessage
{
    /// <summary>
    /// How a tenant's requests to this API are moved into its namespace and back (set once, when the broker's
    /// handlers are assembled). Without one, a tenant's request to this API closes its connection.
    /// </summary>
    internal TenantRewrite<TRequest, TResponse>? TenantRewrite { get; set; }

    internal sealed override bool ServesTenants => TenantRewrite is not null;

    internal sealed override async ValueTask<bool> HandleAsync(RequestContext context, ReadOnlyMemory<byte> body, ResponseBuffer output, CancellationToken ct)
    {
        var request = Parse(body, context.ApiVersion);
        var quotas = Quotas;
        var started = quotas?.Timestamp() ?? 0;
        TResponse? response = null;
        var tenant = context.Session.Tenant;
        var rewrite = TenantRewrite;
        if (tenant is not null)
        {
            if (rewrite is null)
            {
                context.CloseConnection = true;
                return false;
            }
            response = rewrite.ToStored(tenant, context, request);
        }
        long waited = 0;
        if (response is null)
        {
            var pending = quotas?.Refuse(context, request) is TResponse refused ? new ValueTask<TResponse?>(refused) : HandleAsync(context, request, ct);
            if (quotas is not null && !pending.IsCompleted)
            {
                // request_percentage counts the handler's work, not its waiting (a long-polling fetch, an acks=all produce).
                var suspended = quotas.Timestamp();
                response = await pending;
                waited = quotas.Timestamp() - suspended;
            }
            else
            {
                response = await pending;
            }
        }
        if (tenant is not null && response is not null) rewrite!.ToClient(tenant, context, request, response);
        if (quotas is not null)
        {
            var throttleTimeMs = quotas.Record(context, request, response, body.Length, started, waited);
            if (throttleTimeMs > 0 && response is not null) ThrottleTimeField<TResponse>.Set(response, throttleTimeMs);
        }
        if (response is null) return false;
        try
        {
            Write(response, output, context.ApiVersion);
        }
        finally
        {
            AfterWrite(response);
        }
        return true;
    }

    private static TRequest Parse(ReadOnlyMemory<byte> body, short version)
    {
        var request = new TRequest();
        var reader = new KafkaReader(body);
        request.Read(ref reader, version);
        return request;
    }

    private static void Write(TResponse response, ResponseBuffer output, short version)
    {
        var writer = new KafkaWriter(output);
        response.Write(ref writer, version);
    }

    /// <summary>Called once the response is encoded: the place to return pooled buffers it referenced.</summary>
    protected virtual void AfterWrite(TResponse response)
    {
    }

    /// <returns>The response, or null when the protocol says none is sent.</returns>
    protected abstract ValueTask<TResponse?> HandleAsync(RequestContext request, TRequest body, CancellationToken ct);
}

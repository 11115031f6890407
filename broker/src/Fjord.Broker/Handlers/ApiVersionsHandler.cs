using Fjord.Broker.Network;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers;

/// <summary>ApiVersions 0–4: the exact ranges this broker implements, nothing more.</summary>
public sealed class ApiVersionsHandler(Func<IEnumerable<ApiHandler>> handlers) : ApiHandler<ApiVersionsRequest, ApiVersionsResponse>
{
    public override ApiKey ApiKey => ApiKey.ApiVersions;
    public override short MinVersion => 0;
    public override short MaxVersion => 4;

    protected override ValueTask<ApiVersionsResponse?> HandleAsync(RequestContext request, ApiVersionsRequest body, CancellationToken ct)
    {
        if (request.ApiVersion >= 3)
        {
            request.Session.ClientSoftwareName = body.ClientSoftwareName;
            request.Session.ClientSoftwareVersion = body.ClientSoftwareVersion;
        }
        return ValueTask.FromResult<ApiVersionsResponse?>(BuildResponse(handlers(), ErrorCode.None));
    }

    /// <summary>KIP-511: a client newer than this broker gets v0 with UNSUPPORTED_VERSION and the supported ranges, and downgrades.</summary>
    internal override bool TryWriteUnsupportedVersionResponse(ResponseBuffer output)
    {
        var writer = new KafkaWriter(output);
        BuildResponse(handlers(), ErrorCode.UnsupportedVersion).Write(ref writer, 0);
        return true;
    }

    private static ApiVersionsResponse BuildResponse(IEnumerable<ApiHandler> handlers, ErrorCode error)
    {
        var response = new ApiVersionsResponse { ErrorCode = (short)error };
        foreach (var handler in handlers)
            response.ApiKeys.Add(new ApiVersionsResponse.ApiVersion
            {
                ApiKey = (short)handler.ApiKey,
                MinVersion = handler.MinVersion,
                MaxVersion = handler.MaxVersion,
            });
        return response;
    }
}

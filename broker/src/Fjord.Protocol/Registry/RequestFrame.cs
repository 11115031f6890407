using System.Buffers.Binary;

namespace Fjord.Protocol;

/// <summary>
/// A request as it goes on the wire: 4-byte size, the request header at the version the API and
/// version call for (v2 — tagged fields — for flexible versions), then the body. Shared by every
/// client side of the protocol: replica fetchers and test clients.
/// </summary>
public static class RequestFrame
{
    /// <summary>Appends one complete, size-prefixed request frame to <paramref name="buffer"/>, which must be empty.</summary>
    public static void Write(PooledBufferWriter buffer, IKafkaMessage request, short version, int correlationId, string? clientId)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(request);
        if (buffer.WrittenCount != 0) throw new ArgumentException("A request frame starts an empty buffer.", nameof(buffer));
        buffer.GetSpan(4);
        buffer.Advance(4);
        var writer = new KafkaWriter(buffer);
        var header = new RequestHeader { RequestApiKey = (short)request.ApiKey, RequestApiVersion = version, CorrelationId = correlationId, ClientId = clientId };
        header.Write(ref writer, ApiMessages.RequestHeaderVersion(request.ApiKey, version));
        request.Write(ref writer, version);
        BinaryPrimitives.WriteInt32BigEndian(buffer.WrittenSpanMutable, buffer.WrittenCount - 4);
    }
}

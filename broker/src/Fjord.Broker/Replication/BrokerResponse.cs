using System.Buffers;

namespace Fjord.Broker.Replication;

/// <summary>A decoded response whose byte fields (records) are slices of a pooled frame, returned on dispose.</summary>
public sealed class BrokerResponse<T>(T body, byte[] frame) : IDisposable
{
    private byte[]? _frame = frame;

    public T Body { get; } = body;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _frame, null) is { } frame) ArrayPool<byte>.Shared.Return(frame);
    }
}

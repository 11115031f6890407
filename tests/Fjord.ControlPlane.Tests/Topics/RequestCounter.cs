using Azure.Core;
using Azure.Core.Pipeline;

namespace Fjord.ControlPlane.Tests.Topics;

/// <summary>Counts the HTTP requests a Table client sends: one per Table operation (a transaction is one request).</summary>
public sealed class RequestCounter : HttpPipelineSynchronousPolicy
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
}

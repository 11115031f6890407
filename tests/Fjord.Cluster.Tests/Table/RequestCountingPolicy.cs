using Azure.Core;
using Azure.Core.Pipeline;

namespace Fjord.Cluster.Tests;

/// <summary>Counts the HTTP requests a Table storage client sends: the operations that are billed.</summary>
internal sealed class RequestCountingPolicy : HttpPipelineSynchronousPolicy
{
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    public void Reset() => Interlocked.Exchange(ref _requests, 0);

    public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _requests);
}

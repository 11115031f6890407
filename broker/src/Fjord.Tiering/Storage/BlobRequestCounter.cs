using Azure.Core;
using Azure.Core.Pipeline;

namespace Fjord.Tiering;

/// <summary>
/// Counts the HTTP requests a Blob client sends, by method (PUT: blocks, blobs and block lists;
/// GET: ranged reads and listings; HEAD: lengths; DELETE). These are the billed operations, retries
/// included; add it with <c>BlobClientOptions.AddPolicy(counter, HttpPipelinePosition.PerRetry)</c>.
/// </summary>
public sealed class BlobRequestCounter : HttpPipelineSynchronousPolicy
{
    private long _puts;
    private long _gets;
    private long _heads;
    private long _deletes;
    private long _others;

    public long Puts => Interlocked.Read(ref _puts);

    public long Gets => Interlocked.Read(ref _gets);

    public long Heads => Interlocked.Read(ref _heads);

    public long Deletes => Interlocked.Read(ref _deletes);

    public long Others => Interlocked.Read(ref _others);

    public long Total => Puts + Gets + Heads + Deletes + Others;

    public void Reset()
    {
        Interlocked.Exchange(ref _puts, 0);
        Interlocked.Exchange(ref _gets, 0);
        Interlocked.Exchange(ref _heads, 0);
        Interlocked.Exchange(ref _deletes, 0);
        Interlocked.Exchange(ref _others, 0);
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var method = message.Request.Method;
        if (method == RequestMethod.Put)
            Interlocked.Increment(ref _puts);
        else if (method == RequestMethod.Get)
            Interlocked.Increment(ref _gets);
        else if (method == RequestMethod.Head)
            Interlocked.Increment(ref _heads);
        else if (method == RequestMethod.Delete)
            Interlocked.Increment(ref _deletes);
        else
            Interlocked.Increment(ref _others);
    }
}

using System.Collections.Concurrent;
using Fjord.Transactions;

namespace Fjord.Broker.Tests.Transactions;

/// <summary>A marker writer that records every call, can fail a number of times, and can be held until released.</summary>
internal sealed class FakeMarkerWriter : ITransactionMarkerWriter
{
    private readonly Lock _lock = new();
    private TaskCompletionSource? _hold;
    private int _failuresLeft;

    public sealed record Call(long ProducerId, short ProducerEpoch, int CoordinatorEpoch, bool Commit, IReadOnlyList<(string Topic, int Partition)> Partitions);

    /// <summary>Every call, including the ones that failed or are held.</summary>
    public ConcurrentQueue<Call> Calls { get; } = new();

    /// <summary>Calls that returned successfully.</summary>
    public ConcurrentQueue<Call> Written { get; } = new();

    /// <summary>Completes at the next call made after <see cref="Hold"/>.</summary>
    public TaskCompletionSource Entered { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Hold()
    {
        lock (_lock)
        {
            _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Release()
    {
        lock (_lock)
        {
            _hold?.TrySetResult();
            _hold = null;
        }
    }

    public void FailNext(int times) => Interlocked.Exchange(ref _failuresLeft, times);

    public async Task WriteMarkersAsync(long producerId, short producerEpoch, int coordinatorEpoch, bool commit,
        IReadOnlyCollection<(string Topic, int Partition)> partitions, CancellationToken ct)
    {
        var call = new Call(producerId, producerEpoch, coordinatorEpoch, commit, partitions.ToList());
        Calls.Enqueue(call);
        Task? hold;
        lock (_lock)
        {
            hold = _hold?.Task;
            Entered.TrySetResult();
        }

        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw new IOException("injected marker failure");
        }

        if (hold is not null)
        {
            await hold.WaitAsync(ct);
        }

        Written.Enqueue(call);
    }
}

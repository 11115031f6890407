using Fjord.Broker.Purgatory;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Broker.Tests.Purgatory;

public sealed class DelayedOperationPurgatoryTests
{
    private readonly FakeTimeProvider _time = new();

    /// <summary>Completes once its key has been checked <see cref="Needed"/> times; counts every check.</summary>
    private sealed class CountingOperation(long deadline, int needed) : DelayedOperation(deadline)
    {
        public int Needed { get; } = needed;

        public int Checks;

        public List<object?> Keys { get; } = [];

        protected internal override bool CanComplete(object? key)
        {
            Checks++;
            Keys.Add(key);
            return Checks > Needed;
        }
    }

    private long In(TimeSpan delay) => _time.GetTimestamp() + (long)(delay.TotalSeconds * _time.TimestampFrequency);

    [Fact]
    public async Task AnOperationThatCanCompleteAtOnceIsNeverWatched()
    {
        using var purgatory = new DelayedOperationPurgatory<string>("test", _time);
        var operation = new CountingOperation(In(TimeSpan.FromSeconds(1)), needed: 0);

        Assert.True(purgatory.TryCompleteElseWatch(operation, ["a"]));

        Assert.True(operation.Completion.IsCompletedSuccessfully);
        Assert.True(await operation.Completion);
        Assert.Equal(0, purgatory.Delayed);
        Assert.Equal(0, purgatory.CheckAndComplete("a"));
    }

    [Fact]
    public async Task AWatchedOperationIsRecheckedOnlyWhenOneOfItsKeysMoves()
    {
        using var purgatory = new DelayedOperationPurgatory<string>("test", _time);
        // Checked before and after being watched; the third check (a move of "b") completes it.
        var operation = new CountingOperation(In(TimeSpan.FromSeconds(10)), needed: 2);
        Assert.False(purgatory.TryCompleteElseWatch(operation, ["a", "b"]));
        Assert.Equal(1, purgatory.Delayed);
        var checksAfterWatch = operation.Checks;

        Assert.Equal(0, purgatory.CheckAndComplete("unrelated"));
        Assert.Equal(checksAfterWatch, operation.Checks);

        Assert.Equal(1, purgatory.CheckAndComplete("b"));
        Assert.Equal("b", operation.Keys[^1]);
        Assert.True(await operation.Completion);
        Assert.Equal(0, purgatory.Delayed);
        // Completed: a later move of its other key finds nothing to do.
        Assert.Equal(0, purgatory.CheckAndComplete("a"));
        Assert.Equal(checksAfterWatch + 1, operation.Checks);
    }

    [Fact]
    public async Task AnOperationExpiresAtItsDeadlineOnTheInjectedClock()
    {
        using var purgatory = new DelayedOperationPurgatory<string>("test", _time);
        var early = new CountingOperation(In(TimeSpan.FromMilliseconds(100)), needed: int.MaxValue);
        var late = new CountingOperation(In(TimeSpan.FromMilliseconds(500)), needed: int.MaxValue);
        purgatory.TryCompleteElseWatch(late, ["a"]);
        purgatory.TryCompleteElseWatch(early, ["a"]);
        Assert.Equal(2, purgatory.Delayed);

        _time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(early.Completion.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(early.Completion.IsCompletedSuccessfully);
        Assert.False(await early.Completion);
        Assert.False(late.Completion.IsCompleted);
        Assert.Equal(1, purgatory.Delayed);

        _time.Advance(TimeSpan.FromMilliseconds(400));
        Assert.False(await late.Completion);
        Assert.Equal(0, purgatory.Delayed);
    }

    [Fact]
    public async Task AnOperationCompletedEarlyDoesNotExpireLater()
    {
        using var purgatory = new DelayedOperationPurgatory<string>("test", _time);
        var operation = new CountingOperation(In(TimeSpan.FromMilliseconds(100)), needed: 2);
        purgatory.TryCompleteElseWatch(operation, ["a"]);
        purgatory.CheckAndComplete("a");

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(await operation.Completion);
        Assert.Equal(0, purgatory.Delayed);
    }

    [Fact]
    public async Task DisposingExpiresWhatIsStillWaiting()
    {
        var purgatory = new DelayedOperationPurgatory<string>("test", _time);
        var operation = new CountingOperation(In(TimeSpan.FromHours(1)), needed: int.MaxValue);
        purgatory.TryCompleteElseWatch(operation, ["a"]);

        purgatory.Dispose();

        Assert.False(await operation.Completion);
    }

    [Fact]
    public async Task ConcurrentWakeUpsCompleteEachOperationExactlyOnce()
    {
        using var purgatory = new DelayedOperationPurgatory<int>("test", _time);
        var operations = Enumerable.Range(0, 200).Select(_ => new CountingOperation(In(TimeSpan.FromHours(1)), needed: 5)).ToList();
        foreach (var operation in operations) purgatory.TryCompleteElseWatch(operation, [0, 1, 2, 3]);

        var completed = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(key => Task.Run(() =>
        {
            for (var i = 0; i < 50; i++) Interlocked.Add(ref completed, purgatory.CheckAndComplete(key));
        })));

        Assert.Equal(operations.Count, completed);
        Assert.All(await Task.WhenAll(operations.Select(o => o.Completion)), Assert.True);
        Assert.Equal(0, purgatory.Delayed);
    }
}

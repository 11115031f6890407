using System.Net;
using Fjord.Broker.Network;
using Fjord.Protocol;

namespace Fjord.Broker.Tests.Network;

/// <summary>The receive buffer holds about what has arrived, not what a size prefix promised.</summary>
public sealed class ReceiveBufferTests
{
    [Fact]
    // Off xunit's synchronization context, so each released chunk is received before Release returns.
    public Task ADeclaredHundredMegabyteFrameGrowsTheBufferOnlyAsBytesArrive() => Task.Run(async () =>
    {
        using var buffer = new ReceiveBuffer(KafkaConnection.InitialReceiveBytes);
        var transport = new ChunkTransport(10_000);
        var frameBytes = 100 * 1024 * 1024;

        var fill = buffer.FillAsync(frameBytes, transport, CancellationToken.None);

        Assert.False(fill.IsCompleted);
        Assert.Equal(10_000, buffer.Buffered);
        Assert.Equal(ReceiveBuffer.FirstGrowthBytes, buffer.Capacity);
        for (var i = 0; i < 10; i++) transport.Release(10_000);
        Assert.Equal(110_000, buffer.Buffered);
        Assert.InRange(buffer.Capacity, 110_000, 2 * 110_000);
        transport.Close();
        Assert.False(await fill);
    });

    [Fact]
    // Off xunit's synchronization context, so each released chunk is received before Release returns.
    public Task AfterALargeRequestTheNextAsLargeGrowsTheBufferOnceNotByDoublings() => Task.Run(async () =>
    {
        using var buffer = new ReceiveBuffer(KafkaConnection.InitialReceiveBytes);
        var transport = new ChunkTransport(1_000_000);
        Assert.True(await buffer.FillAsync(1_000_000, transport, CancellationToken.None));
        buffer.Consume(1_000_000);
        Assert.Equal(KafkaConnection.InitialReceiveBytes, buffer.Capacity);

        transport.Release(10_000);
        var fill = buffer.FillAsync(1_000_000, transport, CancellationToken.None);

        // A connection that completed a 1 MB request may hold 1 MB for the next: one growth, no doublings.
        Assert.False(fill.IsCompleted);
        Assert.InRange(buffer.Capacity, 1_000_000, 2 * 1_000_000);
        transport.Close();
        Assert.False(await fill);
    });

    [Fact]
    public async Task AHandledLargeRequestGivesItsBufferBackToThePool()
    {
        using var buffer = new ReceiveBuffer(KafkaConnection.InitialReceiveBytes);
        var transport = new ChunkTransport(300_000);

        Assert.True(await buffer.FillAsync(300_000, transport, CancellationToken.None));
        Assert.True(buffer.Capacity >= 300_000);
        buffer.Consume(300_000);

        Assert.Equal(0, buffer.Buffered);
        Assert.Equal(KafkaConnection.InitialReceiveBytes, buffer.Capacity);
    }

    [Fact]
    // Off xunit's synchronization context, so each released chunk is received before Release returns.
    public Task EveryReceiveIsPrecededByTheBytesTheFrameStillNeeds() => Task.Run(async () =>
    {
        using var buffer = new ReceiveBuffer(KafkaConnection.InitialReceiveBytes);
        var transport = new ChunkTransport(4);
        Assert.True(await buffer.FillAsync(4, transport, CancellationToken.None));

        var fill = buffer.FillAsync(4 + 500_000, transport, CancellationToken.None);
        transport.Release(200_000);
        transport.Release(300_000);

        Assert.True(await fill);
        // Never more than the frame still owes (the header's 4, then the 500,000 of the body, less each receive; the growing
        // buffer takes the body in several receives): a transport that waits for that many cannot wait for bytes that never come.
        Assert.Equal([4, 500_000], transport.Expected.Take(2));
        var body = transport.Expected.Skip(1).ToList();
        Assert.True(body.Zip(body.Skip(1)).All(p => p.First > p.Second), string.Join(", ", body));
        Assert.True(body[^1] > 0);
    });

    [Fact]
    public async Task TheNextRequestsBytesMoveToTheSecondBufferAndATrimmedBufferHoldsNothing()
    {
        using var current = new ReceiveBuffer(KafkaConnection.InitialReceiveBytes);
        using var next = new ReceiveBuffer(KafkaConnection.InitialReceiveBytes);
        var transport = new ChunkTransport(1000);
        Assert.True(await current.FillAsync(1000, transport, CancellationToken.None));
        var before = current.Memory[..600].ToArray();

        current.MoveTail(600, next);

        Assert.Equal(600, current.Buffered);
        Assert.Equal(before, current.Memory.ToArray());
        Assert.Equal(400, next.Buffered);
        current.Consume(600);
        current.Trim();
        Assert.Equal(0, current.Capacity);
        transport.Release(50);
        Assert.True(await current.FillAsync(50, transport, CancellationToken.None));
        Assert.Equal(KafkaConnection.InitialReceiveBytes, current.Capacity);
    }

    /// <summary>Hands out zero bytes whenever asked, a given number at a time, until released or closed.</summary>
    private sealed class ChunkTransport(int available) : IConnectionTransport
    {
        private int _available = available;
        private bool _closed;
        private TaskCompletionSource? _waiting;

        public EndPoint? RemoteEndPoint => null;

        /// <summary>Every hint of the bytes still owed, in order.</summary>
        public List<int> Expected { get; } = [];

        public void ExpectBytes(int bytes) => Expected.Add(bytes);

        public void Release(int bytes)
        {
            _available += bytes;
            _waiting?.TrySetResult();
        }

        public void Close()
        {
            _closed = true;
            _waiting?.TrySetResult();
        }

        public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken ct)
        {
            while (_available == 0 && !_closed)
            {
                _waiting = new TaskCompletionSource();
                await _waiting.Task;
            }
            if (_available == 0) return 0;
            var n = Math.Min(_available, buffer.Length);
            _available -= n;
            return n;
        }

        public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken ct) => ValueTask.CompletedTask;

        public ValueTask SendFileAsync(FileStream file, long offset, int count, CancellationToken ct) => ValueTask.CompletedTask;

        public ValueTask SendFrameAsync(ResponseBuffer frame, CancellationToken ct) => ValueTask.CompletedTask;

        public void Abort() => Close();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

using System.Buffers.Binary;
using System.Net;
using Fjord.Broker.Configuration;
using Fjord.Broker.Network;
using Fjord.Fuzz.Seeds;
using Fjord.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Fuzz.Targets;

/// <summary>
/// Whole request frames through the broker's <see cref="RequestDispatcher"/>, as a connection
/// receives them: the input is a byte stream of size-prefixed frames, split the way the
/// connection loop splits it (a size of 0, negative or above socket.request.max.bytes closes the
/// connection), and each frame is dispatched to a handler for its API that parses the body with
/// the generated codec. The dispatcher may answer or close the connection; it may not throw.
/// </summary>
internal sealed class FrameTarget : IFuzzTarget
{
    // Kafka's socket.request.max.bytes default.
    private const int MaxRequestBytes = 100 * 1024 * 1024;

    private readonly RequestDispatcher _dispatcher;
    private readonly ClientSession _session = new(1, new ListenerEndpoint("PLAINTEXT", "127.0.0.1", 9092), IPAddress.Loopback);
    private readonly ResponseBuffer _output = new();

    public FrameTarget()
    {
        var handlers = ApiMessages.All.Select(api =>
        {
            var type = typeof(EmptyResponseHandler<,>).MakeGenericType(
                ApiMessages.CreateRequest(api.ApiKey).GetType(), ApiMessages.CreateResponse(api.ApiKey).GetType());
            return (ApiHandler)Activator.CreateInstance(type, api.ApiKey, api.MinVersion, api.MaxVersion)!;
        });
        _dispatcher = new RequestDispatcher(handlers, NullLogger<RequestDispatcher>.Instance);
    }

    public string Name => "frame";

    public List<byte[]> CreateSeeds(Random random)
    {
        var factory = new RandomMessageFactory(random, RecordBatchSeeds.Any);
        var frames = new List<byte[]>();
        foreach (var api in ApiMessages.All)
        {
            for (var version = api.MinVersion; version <= api.MaxVersion; version++)
            {
                var request = ApiMessages.CreateRequest(api.ApiKey);
                factory.Fill(request, 0, allowNulls: false);
                using var buffer = new PooledBufferWriter();
                try
                {
                    RequestFrame.Write(buffer, request, version, random.Next(), random.Next(4) == 0 ? null : "fuzz-client");
                }
                catch (InvalidOperationException)
                {
                    continue;
                }

                frames.Add(buffer.WrittenSpan.ToArray());
            }
        }

        // A connection's byte stream: mostly one frame, sometimes a few pipelined ones.
        var seeds = new List<byte[]>(frames);
        for (var i = 0; i < frames.Count / 4; i++)
        {
            seeds.Add([.. frames[random.Next(frames.Count)], .. frames[random.Next(frames.Count)], .. frames[random.Next(frames.Count)]]);
        }

        return seeds;
    }

    public bool Execute(byte[] input)
    {
        var position = 0;
        var answered = false;
        while (input.Length - position >= 4)
        {
            var size = BinaryPrimitives.ReadInt32BigEndian(input.AsSpan(position));
            if (size <= 0 || size > MaxRequestBytes || size > input.Length - position - 4)
            {
                return answered; // closed, or waiting for bytes that never come
            }

            var frame = input.AsMemory(position + 4, size);
            position += 4 + size;
            _output.Reset();
            var outcome = _dispatcher.HandleAsync(frame, _session, _output, CancellationToken.None);
            if (!outcome.IsCompleted)
            {
                throw new FuzzAssertionException("the dispatcher did not complete synchronously over handlers that never wait");
            }

            if (outcome.Result == DispatchOutcome.CloseConnection)
            {
                return answered;
            }

            CheckResponseFrame();
            answered = true;
        }

        return answered;
    }

    /// <summary>A response frame's size prefix must count exactly the bytes after it.</summary>
    private void CheckResponseFrame()
    {
        var written = _output.WrittenMemory.Span;
        if (written.Length == 0)
        {
            return; // no response due
        }

        if (written.Length < 8 || BinaryPrimitives.ReadInt32BigEndian(written) != written.Length - 4)
        {
            throw new FuzzAssertionException($"response frame of {written.Length} bytes has a wrong size prefix");
        }
    }
}

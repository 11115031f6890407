using Fjord.Fuzz.Seeds;
using Fjord.Protocol;

namespace Fjord.Fuzz.Targets;

/// <summary>
/// Every generated codec at every version of its spec. Input: byte 0 picks the API (and, with
/// its two top bits set, the response instead of the request), byte 1 the version, the rest is
/// the body. Reading must succeed or throw <see cref="MalformedMessageException"/>; what was
/// read must write, read back without error, and write again to the very same bytes.
/// </summary>
internal sealed class CodecTarget : IFuzzTarget
{
    private readonly IReadOnlyList<ApiMessageInfo> _apis = ApiMessages.All;
    private readonly PooledBufferWriter _first = new();
    private readonly PooledBufferWriter _second = new();

    public string Name => "codecs";

    public List<byte[]> CreateSeeds(Random random)
    {
        var factory = new RandomMessageFactory(random, RecordBatchSeeds.Any);
        var seeds = new List<byte[]>();
        for (var index = 0; index < _apis.Count; index++)
        {
            var api = _apis[index];
            for (var version = api.MinVersion; version <= api.MaxVersion; version++)
            {
                foreach (var response in new[] { false, true })
                {
                    // Two random messages per codec and version, so fields of both shapes are in the corpus.
                    for (var n = 0; n < 2; n++)
                    {
                        var body = factory.Encode(() => Create(api.ApiKey, response), version);
                        if (body is null)
                        {
                            continue;
                        }

                        var seed = new byte[body.Length + 2];
                        seed[0] = (byte)(index | (response ? 0xC0 : 0));
                        seed[1] = (byte)(version - api.MinVersion);
                        body.CopyTo(seed, 2);
                        seeds.Add(seed);
                        CheckCanonical(api.ApiKey, response, version, body);
                    }
                }
            }
        }

        return seeds;
    }

    public bool Execute(byte[] input)
    {
        if (input.Length < 2)
        {
            return false;
        }

        // Requests three times as often as responses: the broker reads requests from anyone.
        var response = (input[0] & 0xC0) == 0xC0;
        var api = _apis[(input[0] & 0x7F) % _apis.Count];
        var version = (short)(api.MinVersion + (input[1] % (api.MaxVersion - api.MinVersion + 1)));
        var message = Create(api.ApiKey, response);
        var reader = new KafkaReader(input.AsMemory(2));
        try
        {
            message.Read(ref reader, version);
        }
        catch (MalformedMessageException)
        {
            return false;
        }

        RoundTrip(message, api.ApiKey, response, version);
        return true;
    }

    /// <summary>write(read(x)) is a fixed point: reading it back succeeds, consumes it all and writes the same bytes.</summary>
    private void RoundTrip(IKafkaMessage message, ApiKey apiKey, bool response, short version)
    {
        var first = Write(message, version, _first);
        var again = Create(apiKey, response);
        var reader = new KafkaReader(first);
        try
        {
            again.Read(ref reader, version);
        }
        catch (MalformedMessageException e)
        {
            throw new FuzzAssertionException($"{Describe(apiKey, response, version)}: re-reading what was written fails: {e.Message}");
        }

        if (reader.Remaining != 0)
        {
            throw new FuzzAssertionException($"{Describe(apiKey, response, version)}: re-reading left {reader.Remaining} of {first.Length} bytes");
        }

        var second = Write(again, version, _second);
        if (!first.Span.SequenceEqual(second.Span))
        {
            throw new FuzzAssertionException($"{Describe(apiKey, response, version)}: the second write differs from the first ({first.Length} vs {second.Length} bytes)");
        }
    }

    /// <summary>A seed written by the codec itself must read back and write to exactly the same bytes.</summary>
    private void CheckCanonical(ApiKey apiKey, bool response, short version, byte[] body)
    {
        var message = Create(apiKey, response);
        var reader = new KafkaReader(body);
        message.Read(ref reader, version);
        var written = Write(message, version, _first);
        if (reader.Remaining != 0 || !written.Span.SequenceEqual(body))
        {
            throw new FuzzAssertionException($"{Describe(apiKey, response, version)}: a written message does not read back to the same bytes: {Convert.ToHexString(body)}");
        }
    }

    private static ReadOnlyMemory<byte> Write(IKafkaMessage message, short version, PooledBufferWriter buffer)
    {
        buffer.Reset();
        var writer = new KafkaWriter(buffer);
        message.Write(ref writer, version);
        return buffer.WrittenMemory;
    }

    private static IKafkaMessage Create(ApiKey apiKey, bool response) =>
        response ? ApiMessages.CreateResponse(apiKey) : ApiMessages.CreateRequest(apiKey);

    private static string Describe(ApiKey apiKey, bool response, short version) =>
        $"{apiKey}{(response ? "Response" : "Request")} v{version}";
}

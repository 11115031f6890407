using Fjord.Protocol.Tests.Support;

namespace Fjord.Protocol.Tests.Messages;

/// <summary>
/// Whatever a client sends, decoding either succeeds or throws MalformedMessageException: never
/// IndexOutOfRange, never OutOfMemory, never anything else the connection loop would not expect.
/// </summary>
public sealed class HostileInputTests
{
    public static TheoryData<ApiKey, short, bool> Samples() => new()
    {
        { ApiKey.Produce, 3, true },
        { ApiKey.Produce, 9, true },
        { ApiKey.Fetch, 4, true },
        { ApiKey.Fetch, 17, true },
        { ApiKey.Fetch, 12, false },
        { ApiKey.Fetch, 16, false },
        { ApiKey.Metadata, 1, true },
        { ApiKey.Metadata, 12, false },
        { ApiKey.ApiVersions, 3, false },
        { ApiKey.JoinGroup, 9, true },
        { ApiKey.OffsetCommit, 2, true },
        { ApiKey.ConsumerGroupHeartbeat, 0, false },
        { ApiKey.DescribeTopicPartitions, 0, true },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void EveryTruncationIsRejectedAsMalformed(ApiKey apiKey, short version, bool request)
    {
        var bytes = FilledEncoding(apiKey, version, request);

        for (var length = 0; length < bytes.Length; length++)
        {
            var truncated = bytes.AsMemory(0, length);
            Assert.Throws<MalformedMessageException>(() => Codec.DecodeUnchecked(Create(apiKey, request), truncated, version));
        }
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void RandomByteMutationsOnlyEverFailAsMalformed(ApiKey apiKey, short version, bool request)
    {
        var original = FilledEncoding(apiKey, version, request);
        var random = new Random(HashCode.Combine((int)apiKey, version, request) & 0x7FFFFFFF);

        for (var round = 0; round < 2_000; round++)
        {
            var mutated = (byte[])original.Clone();
            var flips = 1 + random.Next(4);
            for (var i = 0; i < flips; i++)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            AssertOnlyMalformed(apiKey, version, request, mutated);
        }
    }

    [Fact]
    public void HostileClassicArrayCountIsRefusedBeforeAllocating()
    {
        // MetadataRequest v1: Topics array claiming int.MaxValue entries in a 4-byte body.
        var bytes = Convert.FromHexString("7FFFFFFF");
        Assert.Throws<MalformedMessageException>(() => Codec.DecodeUnchecked(new MetadataRequest(), bytes, 1));
    }

    [Fact]
    public void HostileCompactArrayCountIsRefusedBeforeAllocating()
    {
        // MetadataRequest v12: compact Topics array of 2^32-2 entries (uvarint FF FF FF FF 0F).
        var bytes = Convert.FromHexString("FFFFFFFF0F0100");
        Assert.Throws<MalformedMessageException>(() => Codec.DecodeUnchecked(new MetadataRequest(), bytes, 12));
    }

    [Fact]
    public void NullArrayWhereTheVersionForbidsNullIsMalformed()
    {
        // MetadataRequest v0: Topics is not nullable before v1.
        Assert.Throws<MalformedMessageException>(() => Codec.DecodeUnchecked(new MetadataRequest(), Convert.FromHexString("FFFFFFFF"), 0));
    }

    [Theory]
    [InlineData("FFFE")] // -2
    [InlineData("8000")] // short.MinValue
    [InlineData("FFFF")] // -1: null, but ClientSoftwareName is not nullable
    public void NegativeStringLengthIsMalformed(string length)
    {
        // SaslHandshakeRequest v0: Mechanism is a non-nullable classic string.
        Assert.Throws<MalformedMessageException>(() => Codec.DecodeUnchecked(new SaslHandshakeRequest(), Convert.FromHexString(length + "41"), 0));
    }

    [Fact]
    public void StringLongerThanTheFrameIsMalformed()
    {
        Assert.Throws<MalformedMessageException>(() => Codec.DecodeUnchecked(new SaslHandshakeRequest(), Convert.FromHexString("7FFF41"), 0));
    }

    [Fact]
    public void NegativeBytesLengthIsMalformed()
    {
        // SaslAuthenticateRequest v0: AuthBytes is non-nullable bytes with an int32 length.
        Assert.Throws<MalformedMessageException>(() => Codec.DecodeUnchecked(new SaslAuthenticateRequest(), Convert.FromHexString("FFFFFFFE"), 0));
        Assert.Throws<MalformedMessageException>(() => Codec.DecodeUnchecked(new SaslAuthenticateRequest(), Convert.FromHexString("80000000"), 0));
    }

    [Fact]
    public void TaggedFieldClaimingMoreBytesThanRemainIsMalformed()
    {
        var bytes = Convert.FromHexString("06666A6F726404312E30" + "01" + "07" + "7F" + "AA");
        Assert.Throws<MalformedMessageException>(() => Codec.DecodeUnchecked(new ApiVersionsRequest(), bytes, 3));
    }

    [Fact]
    public void KnownTaggedFieldWithAWrongSizeIsMalformed()
    {
        // ApiVersionsResponse v3, tag 1 (FinalizedFeaturesEpoch, int64) declared as 9 bytes.
        var bytes = Convert.FromHexString("0000" + "01" + "00000000" + "01" + "01" + "09" + "000000000000000500");
        Assert.Throws<MalformedMessageException>(() => Codec.DecodeUnchecked(new ApiVersionsResponse(), bytes, 3));
    }

    private static void AssertOnlyMalformed(ApiKey apiKey, short version, bool request, byte[] bytes)
    {
        try
        {
            Codec.DecodeUnchecked(Create(apiKey, request), bytes, version);
        }
        catch (MalformedMessageException)
        {
        }
        catch (Exception e)
        {
            Assert.Fail($"{apiKey} v{version} threw {e.GetType().Name} for {Codec.Hex(bytes)}: {e.Message}");
        }
    }

    private static IKafkaMessage Create(ApiKey apiKey, bool request) =>
        request ? ApiMessages.CreateRequest(apiKey) : ApiMessages.CreateResponse(apiKey);

    private static byte[] FilledEncoding(ApiKey apiKey, short version, bool request)
    {
        var message = Create(apiKey, request);
        new SampleFiller().Fill(message);
        return Codec.Encode(message, version);
    }
}

using Fjord.Protocol.Tests.Support;

namespace Fjord.Protocol.Tests.Messages;

/// <summary>
/// For every API, every version in validVersions, request and response: fill, write, read back,
/// write again. The two encodings must be identical, the reader must consume every byte, and each
/// field must come back either as sent or (absent in that version) as its default.
/// </summary>
public sealed class EveryMessageRoundTripTests
{
    public static TheoryData<ApiKey, short, bool> AllVersions()
    {
        var data = new TheoryData<ApiKey, short, bool>();
        foreach (var info in ApiMessages.All)
        {
            for (var version = info.MinVersion; version <= info.MaxVersion; version++)
            {
                data.Add(info.ApiKey, version, true);
                data.Add(info.ApiKey, version, false);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void FilledMessageSurvivesWriteReadWriteByteForByte(ApiKey apiKey, short version, bool request)
    {
        var sent = request ? ApiMessages.CreateRequest(apiKey) : ApiMessages.CreateResponse(apiKey);
        new SampleFiller().Fill(sent);

        var first = Codec.Encode(sent, version);
        var received = Codec.Decode(request ? ApiMessages.CreateRequest(apiKey) : ApiMessages.CreateResponse(apiKey), first, version);
        var second = Codec.Encode(received, version);

        Assert.Equal(Codec.Hex(first), Codec.Hex(second));
        var travelled = DeepCompare.AssertSentOrDefault(sent, received, sent.GetType().Name);
        Assert.True(travelled > 0 || first.Length <= 1, $"{sent.GetType().Name} v{version}: no field travelled in {first.Length} bytes.");
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void DefaultMessageWithItsNullsSurvivesRoundTrip(ApiKey apiKey, short version, bool request)
    {
        // Spec defaults of "null" are only allowed on fields nullable in every version, so a
        // fresh message is always writable, and its nulls must come back as nulls.
        var sent = request ? ApiMessages.CreateRequest(apiKey) : ApiMessages.CreateResponse(apiKey);

        var first = Codec.Encode(sent, version);
        var received = Codec.Decode(request ? ApiMessages.CreateRequest(apiKey) : ApiMessages.CreateResponse(apiKey), first, version);

        Assert.Equal(Codec.Hex(first), Codec.Hex(Codec.Encode(received, version)));
        Assert.True(DeepCompare.Same(sent, received), $"{sent.GetType().Name} v{version} did not come back as sent.");
    }

    [Theory]
    [InlineData((short)0)]
    [InlineData((short)1)]
    [InlineData((short)2)]
    public void RequestHeaderSurvivesRoundTripAtEveryVersion(short version)
    {
        var sent = new RequestHeader { RequestApiKey = 3, RequestApiVersion = 12, CorrelationId = 42, ClientId = "fjord-client" };
        var bytes = Codec.Encode(sent, version);
        var received = Codec.Decode(new RequestHeader(), bytes, version);

        Assert.Equal(42, received.CorrelationId);
        Assert.Equal((short)12, received.RequestApiVersion);
        Assert.Equal(version >= 1 ? "fjord-client" : string.Empty, received.ClientId);
        Assert.Equal(Codec.Hex(bytes), Codec.Hex(Codec.Encode(received, version)));
    }

    [Theory]
    [InlineData((short)0)]
    [InlineData((short)1)]
    public void ResponseHeaderSurvivesRoundTripAtEveryVersion(short version)
    {
        var bytes = Codec.Encode(new ResponseHeader { CorrelationId = -7 }, version);
        var received = Codec.Decode(new ResponseHeader(), bytes, version);

        Assert.Equal(-7, received.CorrelationId);
        Assert.Equal(version == 0 ? 4 : 5, bytes.Length);
    }

    [Fact]
    public void EveryApiInTheRegistryHasARequestAndResponseOfTheSameKey()
    {
        Assert.Equal(88, ApiMessages.All.Count);
        foreach (var info in ApiMessages.All)
        {
            Assert.Equal(info.ApiKey, ApiMessages.CreateRequest(info.ApiKey).ApiKey);
            Assert.Equal(info.ApiKey, ApiMessages.CreateResponse(info.ApiKey).ApiKey);
            Assert.Equal(info.MaxVersion, ApiMessages.CreateRequest(info.ApiKey).HighestSupportedVersion);
        }
    }
}

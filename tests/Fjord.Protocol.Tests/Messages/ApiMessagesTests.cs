namespace Fjord.Protocol.Tests.Messages;

public sealed class ApiMessagesTests
{
    [Theory]
    [InlineData(ApiKey.Metadata, (short)8, (short)1)]
    [InlineData(ApiKey.Metadata, (short)9, (short)2)]
    [InlineData(ApiKey.Produce, (short)8, (short)1)]
    [InlineData(ApiKey.Produce, (short)9, (short)2)]
    [InlineData(ApiKey.ControlledShutdown, (short)0, (short)0)]
    [InlineData(ApiKey.ControlledShutdown, (short)1, (short)1)]
    [InlineData(ApiKey.ApiVersions, (short)3, (short)2)]
    [InlineData(ApiKey.SaslHandshake, (short)1, (short)1)]
    public void RequestHeaderIsV2ExactlyForFlexibleVersions(ApiKey apiKey, short apiVersion, short expected)
    {
        Assert.Equal(expected, ApiMessages.RequestHeaderVersion(apiKey, apiVersion));
    }

    [Theory]
    [InlineData(ApiKey.Fetch, (short)11, (short)0)]
    [InlineData(ApiKey.Fetch, (short)12, (short)1)]
    [InlineData(ApiKey.ApiVersions, (short)3, (short)0)]
    [InlineData(ApiKey.ApiVersions, (short)4, (short)0)]
    [InlineData(ApiKey.OffsetDelete, (short)0, (short)0)]
    public void ResponseHeaderIsV1ForFlexibleVersionsExceptApiVersions(ApiKey apiKey, short apiVersion, short expected)
    {
        Assert.Equal(expected, ApiMessages.ResponseHeaderVersion(apiKey, apiVersion));
    }

    [Fact]
    public void RegistryKnowsKafkaVersionRanges()
    {
        var produce = ApiMessages.GetInfo(ApiKey.Produce);
        Assert.Equal("Produce", produce.Name);
        Assert.Equal(0, produce.MinVersion);
        Assert.Equal(11, produce.MaxVersion);
        Assert.Equal(9, produce.FirstFlexibleVersion);
        Assert.Equal(-1, ApiMessages.GetInfo(ApiKey.SaslHandshake).FirstFlexibleVersion);
        Assert.True(ApiMessages.IsSupported(ApiKey.Fetch, 17));
        Assert.False(ApiMessages.IsSupported(ApiKey.Fetch, 18));
        Assert.False(ApiMessages.IsSupported((ApiKey)999, 0));
        Assert.False(ApiMessages.IsSupported((ApiKey)(-1), 0));
    }

    [Fact]
    public void ApiKeyNumbersMatchTheSpec()
    {
        Assert.Equal(0, (short)ApiKey.Produce);
        Assert.Equal(1, (short)ApiKey.Fetch);
        Assert.Equal(3, (short)ApiKey.Metadata);
        Assert.Equal(18, (short)ApiKey.ApiVersions);
        Assert.Equal(87, (short)ApiKey.ReadShareGroupStateSummary);
    }

    [Fact]
    public void UnknownApiKeyCannotCreateAMessage()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ApiMessages.CreateRequest((ApiKey)999));
    }
}

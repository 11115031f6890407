using Fjord.Log.Records;

namespace Fjord.Log.Tests;

public class LogConfigTests
{
    [Fact]
    public void KafkaTopicConfigNamesOverlayTheBrokerDefaults()
    {
        var config = LogConfig.FromTopicConfigs(
            new Dictionary<string, string>
            {
                ["segment.bytes"] = "1048576",
                ["retention.ms"] = "-1",
                ["retention.bytes"] = "5000",
                ["message.timestamp.type"] = "LogAppendTime",
                ["flush.messages"] = "1",
                ["cleanup.policy"] = "delete",
            },
            LogConfig.Default);

        Assert.Equal(1048576, config.SegmentBytes);
        Assert.Equal(-1, config.RetentionMs);
        Assert.Equal(5000, config.RetentionBytes);
        Assert.Equal(TimestampType.LogAppendTime, config.MessageTimestampType);
        Assert.Equal(1, config.FlushMessages);
        Assert.Equal(LogConfig.Default.SegmentMs, config.SegmentMs);
    }

    [Theory]
    [InlineData("segment.bytes", "lots")]
    [InlineData("segment.bytes", "10")]
    [InlineData("retention.ms", "-2")]
    [InlineData("max.message.bytes", "99999999999")]
    [InlineData("message.timestamp.type", "WallClock")]
    public void InvalidValuesAreRejectedWithTheConfigName(string name, string value)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            LogConfig.FromTopicConfigs(new Dictionary<string, string> { [name] = value }, LogConfig.Default));
        Assert.Contains(name, error.Message);
    }

    [Fact]
    public void TieredStorageConfigsAreParsedAndLocalRetentionDefaultsToRetention()
    {
        Assert.False(LogConfig.Default.RemoteStorageEnable);
        Assert.Equal(LogConfig.SameAsRetention, LogConfig.Default.LocalRetentionMs);
        Assert.Equal(LogConfig.Default.RetentionMs, LogConfig.Default.EffectiveLocalRetentionMs);
        Assert.Equal(LogConfig.Default.RetentionBytes, LogConfig.Default.EffectiveLocalRetentionBytes);

        var config = LogConfig.FromTopicConfigs(
            new Dictionary<string, string>
            {
                ["remote.storage.enable"] = "TRUE",
                ["local.retention.ms"] = "60000",
                ["local.retention.bytes"] = "-1",
            },
            LogConfig.Default);

        Assert.True(config.RemoteStorageEnable);
        Assert.Equal(60000, config.EffectiveLocalRetentionMs);
        Assert.Equal(-1, config.EffectiveLocalRetentionBytes);
    }

    [Theory]
    [InlineData("remote.storage.enable", "yes")]
    [InlineData("local.retention.ms", "-3")]
    [InlineData("local.retention.bytes", "many")]
    public void InvalidTieredStorageValuesAreRejectedWithTheConfigName(string name, string value)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            LogConfig.FromTopicConfigs(new Dictionary<string, string> { [name] = value }, LogConfig.Default));
        Assert.Contains(name, error.Message);
    }
}

using Fjord.Cluster;

namespace Fjord.Cluster.Tests;

public sealed class TableKeysTests
{
    [Theory]
    [InlineData("orders")]
    [InlineData("Orders.v2_final-1")]
    [InlineData("a/b\\c#d?e")]
    [InlineData("~7E~")]
    [InlineData("\u0000\u001f\u007f\u009f")]
    [InlineData("ünïcödé 🙂")]
    public void EncodingIsReversibleAndAvoidsCharactersTableKeysForbid(string name)
    {
        var encoded = TableKeys.Encode(name);

        Assert.Equal(name, TableKeys.Decode(encoded));
        Assert.DoesNotContain(encoded, c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
    }

    [Fact]
    public void KafkaTopicNamesAreKeptReadable() =>
        Assert.Equal("payments.eu-west_1", TableKeys.Encode("payments.eu-west_1"));

    [Fact]
    public void DistinctNamesNeverShareAKey() =>
        Assert.NotEqual(TableKeys.Encode("a~002Fb"), TableKeys.Encode("a/b"));

    [Fact]
    public void NamesTooLongForATableKeyAreRejected() =>
        Assert.Throws<ArgumentException>(() => TableKeys.Encode(new string('/', 249)));

    [Fact]
    public void PrefixEndIsTheExclusiveUpperBoundOfThePrefixRange()
    {
        var end = TableKeys.PrefixEnd(TableKeys.TopicPrefix);

        Assert.True(string.CompareOrdinal(TableKeys.TopicRow("zzzz~"), end) < 0);
        Assert.True(string.CompareOrdinal(TableKeys.BrokerRow(1), TableKeys.TopicPrefix) < 0);
        Assert.True(string.CompareOrdinal(TableKeys.VersionRow, TableKeys.BrokerPrefix) < 0);
    }
}

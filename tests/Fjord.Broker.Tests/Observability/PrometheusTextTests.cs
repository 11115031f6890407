namespace Fjord.Broker.Tests.Observability;

public sealed class PrometheusTextTests
{
    [Fact]
    public void SamplesAreReadWithTheirLabelsAndCommentsAreSkipped()
    {
        var text = PrometheusText.Parse("""
            # TYPE bytes_total counter
            bytes_total{topic="a",node="0"} 10 1700000000000
            bytes_total{topic="b\"q\\",node="0"} 2.5e1
            up 1

            latency_bucket{le="+Inf"} +Inf
            """);

        Assert.Equal(4, text.Samples.Count);
        Assert.Equal(35, text.Sum("bytes_total"));
        Assert.Equal(10, text.Sum("bytes_total", ("topic", "a")));
        Assert.Equal(25, text.Sum("bytes_total", ("topic", "b\"q\\")));
        Assert.Equal(1, text.Sum("up"));
        Assert.False(text.Has("bytes_total", ("topic", "c")));
        Assert.True(double.IsPositiveInfinity(text.Sum("latency_bucket", ("le", "+Inf"))));
    }
}

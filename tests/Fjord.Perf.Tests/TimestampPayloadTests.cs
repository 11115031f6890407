using Fjord.Perf.Latency;

namespace Fjord.Perf.Tests;

public sealed class TimestampPayloadTests
{
    [Fact]
    public void StampRoundTripsAndARecordTooShortForItIsRejected()
    {
        var payload = new byte[100];
        TimestampPayload.Write(payload, 1_999, long.MaxValue - 3);

        Assert.Equal((1_999L, long.MaxValue - 3), TimestampPayload.Read(payload));
        Assert.Throws<InvalidOperationException>(() => TimestampPayload.Read(new byte[15]));
    }
}

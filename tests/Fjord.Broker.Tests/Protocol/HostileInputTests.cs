using System.Buffers.Binary;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Testing;
using Fjord.Testing.Records;

namespace Fjord.Broker.Tests.Protocol;

/// <summary>
/// Bad input never crashes the broker and never reaches the log: each attack gets its error
/// code or costs only its own connection, the partition's log end offset does not move, and
/// a bystander connection opened before the attack is still served after it.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class HostileInputTests(ProtocolBrokerFixture fixture) : IClassFixture<ProtocolBrokerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(15);

    private readonly string _topic = "hostile-" + Guid.NewGuid().ToString("N")[..12];
    private RawKafkaClient _bystander = null!;
    private RawKafkaClient _attacker = null!;
    private long _logEndOffsetBefore;

    private FjordTestCluster Host => fixture.Cluster;

    public async Task InitializeAsync()
    {
        _bystander = await RawKafkaClient.ConnectAsync(Host.BootstrapServers);
        await RawScenario.CreateTopicAsync(_bystander, _topic, partitions: 1, configs: new Dictionary<string, string> { ["max.message.bytes"] = "2048" });
        await RawScenario.AppendAsync(_bystander, _topic, 0, new RecordBatchBuilder().Add("before", "attack").Add("second", "record").Build());
        _logEndOffsetBefore = RawScenario.LogEndOffset(Host, _topic, 0);
        Assert.Equal(2, _logEndOffsetBefore);
        _attacker = await RawKafkaClient.ConnectAsync(Host.BootstrapServers);
    }

    public async Task DisposeAsync()
    {
        await _attacker.DisposeAsync();
        await _bystander.DisposeAsync();
    }

    private async Task AssertUnharmedAsync()
    {
        Assert.Equal(_logEndOffsetBefore, RawScenario.LogEndOffset(Host, _topic, 0));
        await RawScenario.AssertServedAsync(_bystander);
        Assert.Equal(_logEndOffsetBefore, (await RawScenario.ListOffsetAsync(_bystander, _topic, 0, -1)).Offset);
        await using var fresh = await RawKafkaClient.ConnectAsync(Host.BootstrapServers);
        await RawScenario.AssertServedAsync(fresh);
    }

    private static byte[] SizePrefixed(int size, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, size);
        payload.CopyTo(frame.AsSpan(4));
        return frame;
    }

    [Fact]
    public async Task ATruncatedFrameFollowedByACloseLeavesTheBrokerServing()
    {
        // The size prefix promises 100 bytes; 10 arrive, then the client goes away.
        await _attacker.SendRawAsync(SizePrefixed(100, new byte[10]));
        await _attacker.DisposeAsync();
        await AssertUnharmedAsync();
    }

    [Fact]
    public async Task AProduceCutOffMidBatchNeverReachesTheLog()
    {
        var whole = RawKafkaClient.Encode(RawScenario.ProduceRequestFor(_topic, 0, new RecordBatchBuilder().Add("k", new string('v', 500)).Build()), 9, 1);
        await _attacker.SendRawAsync(whole.AsMemory(0, whole.Length - 100));
        await _attacker.DisposeAsync();
        await AssertUnharmedAsync();
    }

    [Theory]
    [InlineData(ProtocolBrokerFixture.SocketRequestMaxBytes + 1)]
    [InlineData(int.MaxValue)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    [InlineData(0)]
    public async Task AFrameSizeOutOfRangeClosesThatConnection(int size)
    {
        // No frame body is sent: the broker must judge the prefix alone, not wait for or allocate it.
        await _attacker.SendRawAsync(SizePrefixed(size, [0, 3, 0, 12]));
        Assert.True(await _attacker.IsClosedByBrokerAsync(CloseTimeout));
        await AssertUnharmedAsync();
    }

    [Fact]
    public async Task AFrameTooShortForARequestHeaderClosesThatConnection()
    {
        await _attacker.SendRawAsync(SizePrefixed(5, [0, 3, 0, 12, 0]));
        Assert.True(await _attacker.IsClosedByBrokerAsync(CloseTimeout));
        await AssertUnharmedAsync();
    }

    public static TheoryData<string, short, short, byte[]> BadFlexibleRequests() => new()
    {
        // Header v2's tagged-field count as a varint that never ends within five bytes.
        { "overlong header tag count", (short)ApiKey.ApiVersions, 3, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01] },
        // ClientSoftwareName as a compact string claiming 2^32-2 bytes.
        { "string length past the frame", (short)ApiKey.ApiVersions, 3, [0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x61, 0x62] },
        // CreateTopics topics as a compact array of about 2^31 entries: must not be allocated.
        { "huge array length", (short)ApiKey.CreateTopics, 5, [0x00, 0xFE, 0xFF, 0xFF, 0xFF, 0x07] },
        // Metadata topics array length whose continuation bit runs to the end of the frame.
        { "varint cut by the frame end", (short)ApiKey.Metadata, 9, [0x00, 0x80, 0x80, 0x80] },
        // Produce v9 records as compact bytes longer than what follows.
        { "records length past the frame", (short)ApiKey.Produce, 9, [0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x75, 0x30, 0x02, 0x02, 0x61, 0x02, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x03] },
        // A tagged field whose size says more than the frame holds.
        { "tagged field size past the frame", (short)ApiKey.DescribeCluster, 0, [0x00, 0x00, 0x01, 0x05, 0x7F, 0x01] },
    };

    [Theory]
    [MemberData(nameof(BadFlexibleRequests))]
    public async Task BadVarintsInsideAFlexibleRequestCloseThatConnection(string what, short apiKey, short version, byte[] afterClientId)
    {
        var frame = EveryAdvertisedVersionTests.HandMadeRequest((ApiKey)apiKey, version, correlationId: 7, afterClientId);
        await _attacker.SendRawAsync(frame);
        Assert.True(await _attacker.IsClosedByBrokerAsync(CloseTimeout), what);
        await AssertUnharmedAsync();
    }

    [Theory]
    [InlineData((short)9999, (short)0)]
    [InlineData((short)-1, (short)0)]
    [InlineData((short)ApiKey.DescribeQuorum, (short)1)] // a real Kafka API (KRaft's) this broker does not advertise
    public async Task AnUnknownApiKeyClosesThatConnection(short apiKey, short version)
    {
        await _attacker.SendRawAsync(EveryAdvertisedVersionTests.HandMadeRequest((ApiKey)apiKey, version, correlationId: 9, body: [0, 0, 0, 0]));
        Assert.True(await _attacker.IsClosedByBrokerAsync(CloseTimeout));
        await AssertUnharmedAsync();
    }

    [Theory]
    [InlineData(ApiKey.Metadata, (short)13)]
    [InlineData(ApiKey.Produce, (short)2)]
    [InlineData(ApiKey.Produce, (short)12)]
    [InlineData(ApiKey.Fetch, (short)3)]
    [InlineData(ApiKey.Fetch, (short)18)]
    [InlineData(ApiKey.ListOffsets, (short)0)]
    [InlineData(ApiKey.Metadata, (short)-1)]
    public async Task AnUnsupportedVersionOfAKnownApiClosesThatConnection(ApiKey apiKey, short version)
    {
        await _attacker.SendRawAsync(EveryAdvertisedVersionTests.HandMadeRequest(apiKey, version, correlationId: 11, body: [0, 0, 0, 0, 0, 0]));
        Assert.True(await _attacker.IsClosedByBrokerAsync(CloseTimeout));
        await AssertUnharmedAsync();
    }

    private async Task<ProduceResponse.PartitionProduceResponse> ProduceExpectingAnswerAsync(string topic, int partition, byte[] records, short acks = -1, short version = 9)
    {
        var response = await _attacker.SendAsync<ProduceResponse>(RawScenario.ProduceRequestFor(topic, partition, records, acks), version, CloseTimeout);
        var result = Assert.Single(Assert.Single(response.Responses).PartitionResponses);
        Assert.Equal(-1, result.BaseOffset);
        return result;
    }

    private static RecordBatchBuilder ThreeRecords() => new RecordBatchBuilder().Add("a", "1").Add("b", "2", 1).Add("c", "3", 2);

    [Fact]
    public async Task ABatchWithABadCrcIsRefusedAsCorrupt()
    {
        var result = await ProduceExpectingAnswerAsync(_topic, 0, ThreeRecords().WithBadCrc().Build());
        Assert.Equal((short)ErrorCode.CorruptMessage, result.ErrorCode);
        await RawScenario.AssertServedAsync(_attacker); // a refused produce is not a reason to drop the client
        await AssertUnharmedAsync();
    }

    [Fact]
    public async Task ARefusedAcksZeroProduceClosesThatConnectionAndWritesNothing()
    {
        var before = RawScenario.LogEndOffset(Host, _topic, 0);
        var request = RawScenario.ProduceRequestFor(_topic, 0, ThreeRecords().WithBadCrc().Build(), acks: 0);
        await _attacker.SendRawAsync(RawKafkaClient.Encode(request, 9, _attacker.NextCorrelationId()));
        // acks=0 has no response to carry the error: Kafka closes the connection instead.
        Assert.True(await _attacker.IsClosedByBrokerAsync(CloseTimeout));
        Assert.Equal(before, RawScenario.LogEndOffset(Host, _topic, 0));
        await AssertUnharmedAsync();
    }

    [Fact]
    public async Task AMagic1BatchIsRefusedAsAnUnsupportedFormat()
    {
        var result = await ProduceExpectingAnswerAsync(_topic, 0, ThreeRecords().WithMagic(1).Build());
        Assert.Equal((short)ErrorCode.UnsupportedForMessageFormat, result.ErrorCode);
        await RawScenario.AssertServedAsync(_attacker);
        await AssertUnharmedAsync();
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public async Task ABatchWhoseRecordCountLiesIsRefused(int declared)
    {
        var result = await ProduceExpectingAnswerAsync(_topic, 0, ThreeRecords().WithDeclaredRecordCount(declared).Build());
        Assert.Contains(result.ErrorCode, new[] { (short)ErrorCode.CorruptMessage, (short)ErrorCode.InvalidRecord });
        await RawScenario.AssertServedAsync(_attacker);
        await AssertUnharmedAsync();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(40)]  // cut inside the records
    [InlineData(60)]  // cut inside the batch header
    public async Task ATruncatedBatchIsRefused(int cut)
    {
        var result = await ProduceExpectingAnswerAsync(_topic, 0, ThreeRecords().Add("padding", new string('p', 40)).Truncated(cut).Build());
        Assert.Contains(result.ErrorCode, new[] { (short)ErrorCode.CorruptMessage, (short)ErrorCode.InvalidRecord });
        await RawScenario.AssertServedAsync(_attacker);
        await AssertUnharmedAsync();
    }

    [Fact]
    public async Task AGoodBatchFollowedByABadOneIsRefusedAsAWhole()
    {
        // Kafka validates a partition's whole record set before appending any of it.
        var records = RecordBatchBuilder.Concat(ThreeRecords().Build(), ThreeRecords().WithBadCrc().Build());
        var result = await ProduceExpectingAnswerAsync(_topic, 0, records);
        Assert.Equal((short)ErrorCode.CorruptMessage, result.ErrorCode);
        await AssertUnharmedAsync();
    }

    [Fact]
    public async Task ABatchLargerThanMaxMessageBytesIsRefusedAsTooLarge()
    {
        var result = await ProduceExpectingAnswerAsync(_topic, 0, new RecordBatchBuilder().Add("big", new string('x', 4096)).Build());
        Assert.Equal((short)ErrorCode.MessageTooLarge, result.ErrorCode);
        await RawScenario.AssertServedAsync(_attacker);
        await AssertUnharmedAsync();
    }

    [Theory]
    [InlineData((short)2)]
    [InlineData((short)-2)]
    [InlineData(short.MaxValue)]
    public async Task InvalidAcksAreRefused(short acks)
    {
        var result = await ProduceExpectingAnswerAsync(_topic, 0, ThreeRecords().Build(), acks);
        Assert.Equal((short)ErrorCode.InvalidRequiredAcks, result.ErrorCode);
        await AssertUnharmedAsync();
    }

    [Fact]
    public async Task AProduceToAnUnknownTopicOrPartitionIsRefusedAndCreatesNothing()
    {
        var unknown = "hostile-unknown-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, (await ProduceExpectingAnswerAsync(unknown, 0, ThreeRecords().Build())).ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, (await ProduceExpectingAnswerAsync(_topic, 1, ThreeRecords().Build())).ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, (await ProduceExpectingAnswerAsync(_topic, -1, ThreeRecords().Build())).ErrorCode);
        Assert.DoesNotContain(unknown, Host.InProcess().Metadata.Current.TopicsByName.Keys);
        Assert.False(Directory.Exists(Path.Combine(Host[0].LogDir, unknown + "-0")));
        await AssertUnharmedAsync();
    }

    private static readonly (ApiKey Key, short Min, short Max)[] FuzzedApis =
    [
        // Read-only or produce-only APIs: a random body that happens to parse must not be able to
        // create, delete or reconfigure anything other tests rely on.
        (ApiKey.ApiVersions, 0, 4),
        (ApiKey.Produce, 3, 11),
        (ApiKey.Fetch, 4, 17),
        (ApiKey.ListOffsets, 1, 10),
        (ApiKey.DescribeConfigs, 0, 4),
        (ApiKey.DescribeCluster, 0, 1),
    ];

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (var seed = 1; seed <= 12; seed++) data.Add(seed);
        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task RandomGarbageFramesAreAnsweredOrCloseTheirConnectionOnly(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 20; i++)
        {
            var body = new byte[random.Next(0, 200)];
            random.NextBytes(body);
            byte[] frame;
            short apiKey;
            short version;
            if (random.Next(4) == 0)
            {
                // Garbage from the first byte: whatever header it spells.
                frame = SizePrefixed(body.Length, body);
                apiKey = body.Length >= 2 ? BinaryPrimitives.ReadInt16BigEndian(body) : (short)-1;
                version = body.Length >= 4 ? BinaryPrimitives.ReadInt16BigEndian(body.AsSpan(2)) : (short)-1;
            }
            else
            {
                // A well-formed header of an advertised API and version, then garbage.
                var (key, min, max) = FuzzedApis[random.Next(FuzzedApis.Length)];
                apiKey = (short)key;
                version = (short)random.Next(min, max + 1);
                frame = EveryAdvertisedVersionTests.HandMadeRequest(key, version, correlationId: i, body);
            }

            await _attacker.SendRawAsync(frame);
            byte[]? answer;
            try
            {
                answer = await _attacker.ReadFrameAsync(CloseTimeout);
            }
            catch (OperationCanceledException)
            {
                // A complete frame must be answered or refused, never left hanging.
                throw new Xunit.Sdk.XunitException($"seed {seed} frame {i} (api {apiKey} v{version}, {body.Length} body bytes): neither answered nor closed");
            }
            if (answer is null)
            {
                // The broker dropped this connection, as it may; the next frame goes on a new one.
                await _attacker.DisposeAsync();
                _attacker = await RawKafkaClient.ConnectAsync(Host.BootstrapServers);
            }
        }
        await AssertUnharmedAsync();
    }
}

using System.Runtime.InteropServices;
using Fjord.Protocol.Tests.Support;

namespace Fjord.Protocol.Tests.Messages;

/// <summary>Encodings worked out by hand from the specs and protocol.html, byte by byte.</summary>
public sealed class GoldenBytesTests
{
    [Fact]
    public void ApiVersionsRequestV3CarriesClientSoftwareAsCompactStrings()
    {
        var request = new ApiVersionsRequest { ClientSoftwareName = "fjord", ClientSoftwareVersion = "1.0" };

        // compact string = uvarint(len+1) + UTF-8; then an empty tagged-field section.
        Assert.Equal("06666A6F726404312E3000", Codec.Hex(Codec.Encode(request, 3)));
    }

    [Fact]
    public void ApiVersionsRequestV0HasAnEmptyBody()
    {
        Assert.Empty(Codec.Encode(new ApiVersionsRequest { ClientSoftwareName = "ignored" }, 0));
    }

    [Fact]
    public void MetadataRequestV12WithOneTopicName()
    {
        var request = new MetadataRequest
        {
            Topics = [new MetadataRequest.MetadataRequestTopic { Name = "orders" }],
        };

        var expected =
            "02" // compact array of 1 topic
            + "00000000000000000000000000000000" // TopicId (v10+): zero UUID
            + "076F7264657273" // Name: compact nullable string "orders"
            + "00" // topic's tagged fields
            + "01" // AllowAutoTopicCreation defaults to true
            + "00" // IncludeTopicAuthorizedOperations
            + "00"; // tagged fields
        Assert.Equal(expected, Codec.Hex(Codec.Encode(request, 12)));
    }

    [Fact]
    public void MetadataRequestV1NullTopicsMeansAllTopics()
    {
        var bytes = Codec.Encode(new MetadataRequest { Topics = null }, 1);

        Assert.Equal("FFFFFFFF", Codec.Hex(bytes));
        Assert.Null(Codec.Decode(new MetadataRequest(), bytes, 1).Topics);
    }

    [Fact]
    public void ApiVersionsResponseV3SendsANonDefaultTaggedField()
    {
        var response = new ApiVersionsResponse
        {
            ApiKeys = [new ApiVersionsResponse.ApiVersion { ApiKey = 18, MinVersion = 0, MaxVersion = 4 }],
            FinalizedFeaturesEpoch = 5,
        };

        var expected =
            "0000" // ErrorCode
            + "02" + "0012" + "0000" + "0004" + "00" // ApiKeys: 1 entry + its tagged fields
            + "00000000" // ThrottleTimeMs
            + "01" // one tagged field: the defaults (empty features, ZkMigrationReady=false) stay silent
            + "01" + "08" + "0000000000000005"; // tag 1, size 8, FinalizedFeaturesEpoch
        var bytes = Codec.Encode(response, 3);

        Assert.Equal(expected, Codec.Hex(bytes));
        Assert.Equal(5L, Codec.Decode(new ApiVersionsResponse(), bytes, 3).FinalizedFeaturesEpoch);
    }

    [Fact]
    public void ApiVersionsResponseV0UsesClassicArrays()
    {
        var response = new ApiVersionsResponse
        {
            ErrorCode = (short)Fjord.Protocol.ErrorCode.UnsupportedVersion,
            ApiKeys = [new ApiVersionsResponse.ApiVersion { ApiKey = 18, MinVersion = 0, MaxVersion = 4 }],
        };

        Assert.Equal("0023" + "00000001" + "001200000004", Codec.Hex(Codec.Encode(response, 0)));
    }

    [Fact]
    public void NullableStructIsMarkedWithMinusOneAndPresentStructWithOne()
    {
        var response = new ConsumerGroupHeartbeatResponse { MemberId = "m", MemberEpoch = 3 };
        Assert.Equal("00000000" + "0000" + "00" + "026D" + "00000003" + "00000000" + "FF" + "00", Codec.Hex(Codec.Encode(response, 0)));

        response.Assignment = new ConsumerGroupHeartbeatResponse.AssignmentData();
        var bytes = Codec.Encode(response, 0);
        Assert.Equal("00000000" + "0000" + "00" + "026D" + "00000003" + "00000000" + "01" + "01" + "00" + "00", Codec.Hex(bytes));
        Assert.NotNull(Codec.Decode(new ConsumerGroupHeartbeatResponse(), bytes, 0).Assignment);
    }

    [Fact]
    public void RequestHeaderV2KeepsAClassicClientIdThenTaggedFields()
    {
        var header = new RequestHeader { RequestApiKey = 18, RequestApiVersion = 3, CorrelationId = 1, ClientId = "c" };

        // ClientId is flexibleVersions "none": int16 length even in flexible header v2.
        Assert.Equal("0012" + "0003" + "00000001" + "000163" + "00", Codec.Hex(Codec.Encode(header, 2)));
    }

    [Fact]
    public void UnknownTaggedFieldsAreSkippedWhenReading()
    {
        // ApiVersionsRequest v3 with an extra tagged field (tag 7, 3 bytes) nobody knows.
        var bytes = Convert.FromHexString("06666A6F726404312E30" + "01" + "07" + "03" + "AABBCC");
        var request = Codec.Decode(new ApiVersionsRequest(), bytes, 3);

        Assert.Equal("fjord", request.ClientSoftwareName);
        Assert.Equal("1.0", request.ClientSoftwareVersion);
    }

    [Fact]
    public void ProduceRequestRecordsAreSlicesOfTheFrameNotCopies()
    {
        var batch = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        var request = new ProduceRequest
        {
            Acks = -1,
            TimeoutMs = 30_000,
            TopicData =
            [
                new ProduceRequest.TopicProduceData
                {
                    Name = "orders",
                    PartitionData = [new ProduceRequest.PartitionProduceData { Index = 2, Records = batch }],
                },
            ],
        };

        foreach (short version in new short[] { 3, 9, 11 })
        {
            var frame = Codec.Encode(request, version);
            var decoded = Codec.Decode(new ProduceRequest(), frame, version);
            var records = decoded.TopicData[0].PartitionData[0].Records!.Value;

            Assert.True(MemoryMarshal.TryGetArray(records, out var segment));
            Assert.Same(frame, segment.Array);
            Assert.Equal(frame.Length - batch.Length - (version >= 9 ? 3 : 0), segment.Offset);
            Assert.True(records.Span.SequenceEqual(batch));
        }
    }

    [Fact]
    public void FetchResponseWritesTheRecordSliceOnceAfterItsLength()
    {
        var records = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();
        var response = new FetchResponse
        {
            Responses =
            [
                new FetchResponse.FetchableTopicResponse
                {
                    TopicId = Guid.NewGuid(),
                    Partitions = [new FetchResponse.PartitionData { PartitionIndex = 0, HighWatermark = 10, Records = records }],
                },
            ],
        };

        var bytes = Codec.Encode(response, 16);

        // ... Records = uvarint(1001) then the 1000 bytes, then the partition's, topic's and
        // response's empty tagged-field sections.
        var tail = bytes.AsSpan(bytes.Length - 1000 - 3);
        Assert.True(tail[..1000].SequenceEqual(records));
        Assert.Equal("000000", Codec.Hex(tail[1000..]));
        Assert.Equal("E907", Codec.Hex(bytes.AsSpan(bytes.Length - 1000 - 3 - 2, 2)));
    }
}

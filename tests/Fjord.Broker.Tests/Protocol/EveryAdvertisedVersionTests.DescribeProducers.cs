using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Testing.Records;

namespace Fjord.Broker.Tests.Protocol;

public sealed partial class EveryAdvertisedVersionTests
{
    [Theory]
    [MemberData(nameof(Versions), 0, 0)]
    public async Task DescribeProducersListsTheIdempotentProducersOfAPartitionLeader(short version)
    {
        var name = $"t-describe-producers-v{version}";
        await RawScenario.CreateTopicAsync(_client, name, partitions: 2);
        var idempotent = new RecordBatchBuilder(RecentTimestamp).Add("k", "v").Add("k", "w", 1).Add("k", "x", 2).WithProducer(9_001, 2, 10).Build();
        Assert.Equal(0, (await RawScenario.ProduceAsync(_client, name, 0, idempotent)).ErrorCode);
        Assert.Equal(0, (await RawScenario.ProduceAsync(_client, name, 1, BatchOf(2, "plain"))).ErrorCode);

        var request = new DescribeProducersRequest();
        request.Topics.Add(new DescribeProducersRequest.TopicRequest { Name = name, PartitionIndexes = [0, 1, 7] });
        request.Topics.Add(new DescribeProducersRequest.TopicRequest { Name = "t-describe-producers-nowhere", PartitionIndexes = [0] });
        var response = await _client.SendAsync<DescribeProducersResponse>(request, version);

        var partitions = response.Topics.Single(t => t.Name == name).Partitions;
        var producer = Assert.Single(partitions.Single(p => p.PartitionIndex == 0).ActiveProducers);
        Assert.Equal((9_001L, 2, 12), (producer.ProducerId, producer.ProducerEpoch, producer.LastSequence));
        Assert.Equal(RecentTimestamp + 2, producer.LastTimestamp);
        Assert.Equal(-1, producer.CurrentTxnStartOffset);
        Assert.Empty(partitions.Single(p => p.PartitionIndex == 1).ActiveProducers);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, partitions.Single(p => p.PartitionIndex == 7).ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, response.Topics.Single(t => t.Name != name).Partitions[0].ErrorCode);
    }
}

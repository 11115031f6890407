using Fjord.Broker.Tests.Infrastructure;
using Fjord.Broker.Tests.Protocol;
using Fjord.Protocol;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Idempotence;

/// <summary>
/// Issue 13, the idempotent producer's per-partition state, driven byte by byte with the raw client:
/// producer id, epoch and base sequence written into each batch by hand, so every rule of Kafka's
/// producer state (storage/.../ProducerStateEntry.java, ProducerAppendInfo.java, and the duplicate
/// check in UnifiedLog.analyzeAndValidateProducerState) is asserted on its own, with the log end
/// offset proving what was and was not written.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class ProducerStateRawProtocolTests(ProducerStateBrokerFixture fixture) : IClassFixture<ProducerStateBrokerFixture>, IAsyncLifetime
{
    private RawKafkaClient _client = null!;

    public async Task InitializeAsync() => _client = await RawKafkaClient.ConnectAsync(fixture.Cluster.BootstrapServers);

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task TheSameBatchSentTwiceIsAnsweredWithItsOriginalOffsetAndWrittenOnce()
    {
        const string topic = "idem-retry";
        await RawScenario.CreateTopicAsync(_client, topic);
        var first = IdempotentBatches.Build(epoch: 0, baseSequence: 0, records: 5, "a");

        var written = await RawScenario.ProduceAsync(_client, topic, 0, first);
        Assert.Equal(0, written.ErrorCode);
        Assert.Equal(0, written.BaseOffset);

        // Kafka: a client batch whose producer, epoch and sequence range match a cached batch is answered with that
        // batch's metadata and not appended (UnifiedLog.analyzeAndValidateProducerState → ProducerStateEntry.findDuplicateBatch).
        var retried = await RawScenario.ProduceAsync(_client, topic, 0, first);
        Assert.True(retried.ErrorCode == 0, $"a retried batch must succeed, got error {retried.ErrorCode}");
        Assert.True(retried.BaseOffset == 0, $"a retried batch must be answered with its original offset 0, got {retried.BaseOffset}: it was written twice");
        Assert.Equal(5, await IdempotentBatches.LogEndOffsetAsync(_client, topic, 0));

        var next = await RawScenario.ProduceAsync(_client, topic, 0, IdempotentBatches.Build(epoch: 0, baseSequence: 5, records: 5, "a"));
        Assert.Equal(0, next.ErrorCode);
        Assert.Equal(5, next.BaseOffset);
        Assert.Equal(10, await IdempotentBatches.LogEndOffsetAsync(_client, topic, 0));
    }

    [Fact]
    public async Task ASequenceGapIsRefusedAsOutOfOrderAndWritesNothing()
    {
        const string topic = "idem-gap";
        await RawScenario.CreateTopicAsync(_client, topic);
        Assert.Equal(0, await RawScenario.AppendAsync(_client, topic, 0, IdempotentBatches.Build(epoch: 0, baseSequence: 0, records: 5, "g")));

        // Kafka (ProducerAppendInfo.checkSequence): in the same epoch the first sequence must be lastSeq + 1
        // (inSequence; 0 after Int32.MaxValue), else OutOfOrderSequenceException. The next expected is 5, not 20.
        var gap = await RawScenario.ProduceAsync(_client, topic, 0, IdempotentBatches.Build(epoch: 0, baseSequence: 20, records: 5, "g"));
        Assert.Equal((short)ErrorCode.OutOfOrderSequenceNumber, gap.ErrorCode);
        Assert.Equal(5, await IdempotentBatches.LogEndOffsetAsync(_client, topic, 0));

        // The refusal changed nothing: the producer goes on where it was.
        Assert.Equal(5, await RawScenario.AppendAsync(_client, topic, 0, IdempotentBatches.Build(epoch: 0, baseSequence: 5, records: 5, "g")));
        Assert.Equal(10, await IdempotentBatches.LogEndOffsetAsync(_client, topic, 0));
    }

    [Fact]
    public async Task ANewEpochStartsAtSequenceZeroAndFencesTheOldEpoch()
    {
        const string topic = "idem-epoch";
        await RawScenario.CreateTopicAsync(_client, topic);
        var epoch0First = IdempotentBatches.Build(epoch: 0, baseSequence: 0, records: 5, "e0");
        Assert.Equal(0, await RawScenario.AppendAsync(_client, topic, 0, epoch0First));
        Assert.Equal(5, await RawScenario.AppendAsync(_client, topic, 0, IdempotentBatches.Build(epoch: 0, baseSequence: 5, records: 5, "e0")));

        // Kafka (ProducerAppendInfo.checkSequence): a batch of a new epoch must start at sequence 0 ("Invalid sequence
        // number for new epoch"), else OUT_OF_ORDER_SEQUENCE_NUMBER; with sequence 0 it is accepted and the entry's
        // cached batches are cleared (ProducerStateEntry.maybeUpdateProducerEpoch).
        var newEpochMidway = await RawScenario.ProduceAsync(_client, topic, 0, IdempotentBatches.Build(epoch: 1, baseSequence: 3, records: 5, "e1"));
        Assert.Equal((short)ErrorCode.OutOfOrderSequenceNumber, newEpochMidway.ErrorCode);
        Assert.Equal(10, await IdempotentBatches.LogEndOffsetAsync(_client, topic, 0));
        Assert.Equal(10, await RawScenario.AppendAsync(_client, topic, 0, IdempotentBatches.Build(epoch: 1, baseSequence: 0, records: 5, "e1")));

        // Kafka (ProducerAppendInfo.checkProducerEpoch): an epoch below the producer's current one is refused with
        // InvalidProducerEpochException (INVALID_PRODUCER_EPOCH, 47) — since 2.7 no longer PRODUCER_FENCED on produce.
        var stale = await RawScenario.ProduceAsync(_client, topic, 0, IdempotentBatches.Build(epoch: 0, baseSequence: 10, records: 5, "e0"));
        Assert.Equal((short)ErrorCode.InvalidProducerEpoch, stale.ErrorCode);

        // A retry of an old epoch's batch is no duplicate any more: findDuplicateBatch only looks within the current
        // epoch, so the epoch check refuses it too.
        var staleRetry = await RawScenario.ProduceAsync(_client, topic, 0, epoch0First);
        Assert.Equal((short)ErrorCode.InvalidProducerEpoch, staleRetry.ErrorCode);
        Assert.Equal(15, await IdempotentBatches.LogEndOffsetAsync(_client, topic, 0));

        Assert.Equal(15, await RawScenario.AppendAsync(_client, topic, 0, IdempotentBatches.Build(epoch: 1, baseSequence: 5, records: 5, "e1")));
    }

    [Fact]
    public async Task AnyOfTheLastFiveBatchesIsADuplicateButOneSixBatchesBackIsOutOfOrder()
    {
        const string topic = "idem-window";
        await RawScenario.CreateTopicAsync(_client, topic);
        var batches = Enumerable.Range(0, 6).Select(b => IdempotentBatches.Build(epoch: 0, baseSequence: b * 2, records: 2, "w")).ToArray();
        for (var b = 0; b < batches.Length; b++)
            Assert.Equal(b * 2, await RawScenario.AppendAsync(_client, topic, 0, batches[b]));

        // Kafka keeps the metadata of the last NUM_BATCHES_TO_RETAIN = 5 batches per producer (ProducerStateEntry);
        // a retry of any of them, not only the last, is answered with that batch's own offsets. Oldest first, so
        // a broker that wrongly appended one would also push the others out of its window.
        for (var b = 1; b < batches.Length; b++)
        {
            var retried = await RawScenario.ProduceAsync(_client, topic, 0, batches[b]);
            Assert.True(retried.ErrorCode == 0, $"retry of batch {b} (sequence {b * 2}): error {retried.ErrorCode}");
            Assert.True(retried.BaseOffset == b * 2, $"retry of batch {b} answered offset {retried.BaseOffset}, its original is {b * 2}");
        }

        Assert.Equal(12, await IdempotentBatches.LogEndOffsetAsync(_client, topic, 0));

        // Six batches back the metadata is gone: not a known duplicate, and its sequence is not lastSeq + 1, so
        // ProducerAppendInfo.checkSequence refuses it as out of order rather than writing it again.
        var tooOld = await RawScenario.ProduceAsync(_client, topic, 0, batches[0]);
        Assert.Equal((short)ErrorCode.OutOfOrderSequenceNumber, tooOld.ErrorCode);
        Assert.Equal(12, await IdempotentBatches.LogEndOffsetAsync(_client, topic, 0));
    }

    [Fact]
    public async Task ProducersAreTrackedApartAndPerPartition()
    {
        const string topic = "idem-apart";
        await RawScenario.CreateTopicAsync(_client, topic, partitions: 2);
        var producerA = IdempotentBatches.Build(epoch: 0, baseSequence: 0, records: 3, "a", producerId: 2000);
        var producerB = IdempotentBatches.Build(epoch: 0, baseSequence: 0, records: 3, "b", producerId: 2001);
        Assert.Equal(0, await RawScenario.AppendAsync(_client, topic, 0, producerA));
        Assert.Equal(3, await RawScenario.AppendAsync(_client, topic, 0, producerB));

        // The same producer id and sequences on another partition are a different stream (Kafka's state is per partition).
        Assert.Equal(0, await RawScenario.AppendAsync(_client, topic, 1, producerA));

        var retryA = await RawScenario.ProduceAsync(_client, topic, 0, producerA);
        Assert.Equal(0, retryA.ErrorCode);
        Assert.Equal(0, retryA.BaseOffset);
        var retryB = await RawScenario.ProduceAsync(_client, topic, 0, producerB);
        Assert.Equal(0, retryB.ErrorCode);
        Assert.Equal(3, retryB.BaseOffset);
        Assert.Equal(6, await IdempotentBatches.LogEndOffsetAsync(_client, topic, 0));
        Assert.Equal(3, await IdempotentBatches.LogEndOffsetAsync(_client, topic, 1));
    }
}

using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Testing;
using static Fjord.Broker.Tests.Protocol.TransactionScenario;

namespace Fjord.Broker.Tests.Protocol;

/// <summary>
/// Transaction requests a well-behaved producer never sends, or sends too late: each gets Kafka's error
/// code, nothing reaches a log or the coordinator's state, and the connection that sent it is still served.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class TransactionHostileInputTests(ProtocolBrokerFixture fixture) : IClassFixture<ProtocolBrokerFixture>, IAsyncLifetime
{
    private const int DefaultTransactionMaxTimeoutMs = 900_000;

    private readonly string _topic = "txn-hostile-" + Guid.NewGuid().ToString("N")[..12];
    private RawKafkaClient _client = null!;

    private FjordTestCluster Host => fixture.Cluster;

    public static TheoryData<short> Versions(int min, int max) => EveryAdvertisedVersionTests.Versions(min, max);

    public async Task InitializeAsync()
    {
        _client = await RawKafkaClient.ConnectAsync(Host.BootstrapServers);
        await RawScenario.CreateTopicAsync(_client, _topic, partitions: 2);
        Assert.Equal(0, await RawScenario.AppendAsync(_client, _topic, 0, new Fjord.Testing.Records.RecordBatchBuilder().Add("k", "before").Build()));
    }

    public async Task DisposeAsync() => await _client.DisposeAsync();

    /// <summary>The refusing connection still works, and a new producer can still run a whole transaction.</summary>
    private async Task AssertStillServedAsync()
    {
        await RawScenario.AssertServedAsync(_client);
        var transactionalId = NewTransactionalId("txn-hostile-after");
        var (producerId, epoch) = await InitAsync(_client, transactionalId);
        await AddPartitionsOkAsync(_client, transactionalId, producerId, epoch, _topic, 1);
        Assert.Equal(0, (await EndAsync(_client, transactionalId, producerId, epoch, commit: false)).ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 5)]
    public async Task EndTxnWithoutAnyAddedPartitionIsInvalidTxnState(short version)
    {
        var transactionalId = NewTransactionalId($"txn-hostile-end-v{version}");
        var (producerId, epoch) = await InitAsync(_client, transactionalId);

        // Kafka (TransactionCoordinator.endTransaction): committing an Empty transaction is an illegal transition.
        var commit = await EndAsync(_client, transactionalId, producerId, epoch, commit: true, version);
        Assert.Equal((short)ErrorCode.InvalidTxnState, commit.ErrorCode);
        var described = await DescribeTransactionAsync(_client, transactionalId);
        Assert.Equal("Empty", described.TransactionState);
        Assert.Equal(epoch, described.ProducerEpoch);

        var abort = await EndAsync(_client, transactionalId, producerId, epoch, commit: false, version);
        if (version < 5)
        {
            // So is aborting one, before transaction version 2.
            Assert.Equal((short)ErrorCode.InvalidTxnState, abort.ErrorCode);
            Assert.Equal("Empty", (await DescribeTransactionAsync(_client, transactionalId)).TransactionState);
        }
        else
        {
            // KIP-890 part 2: an abort with nothing open is allowed and only bumps the epoch (a producer's way out
            // after an abortable error); nothing is written anywhere.
            Assert.Equal(0, abort.ErrorCode);
            Assert.Equal(producerId, abort.ProducerId);
            Assert.Equal(epoch + 1, abort.ProducerEpoch);
            var aborted = await WaitForStateAsync(_client, transactionalId, "CompleteAbort");
            Assert.Equal(epoch + 1, aborted.ProducerEpoch);
            Assert.Empty(aborted.Topics);
        }
        Assert.Equal(1, RawScenario.LogEndOffset(Host, _topic, 0));
        await AssertStillServedAsync();
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 3)]
    public async Task AddPartitionsToTxnWithAnUnknownProducerIdIsInvalidProducerIdMapping(short version)
    {
        var transactionalId = NewTransactionalId($"txn-hostile-pid-v{version}");
        var (producerId, epoch) = await InitAsync(_client, transactionalId);

        var wrongId = await AddPartitionsAsync(_client, AddPartitionsRequest(transactionalId, producerId + 1_000_000, epoch, _topic, 0), version);
        Assert.Equal((short)ErrorCode.InvalidProducerIdMapping, Assert.Single(wrongId).Value);
        var neverInitialised = NewTransactionalId($"txn-hostile-noinit-v{version}");
        var unknownTransaction = await AddPartitionsAsync(_client, AddPartitionsRequest(neverInitialised, producerId, epoch, _topic, 0), version);
        Assert.Equal((short)ErrorCode.InvalidProducerIdMapping, Assert.Single(unknownTransaction).Value);

        var described = await DescribeTransactionAsync(_client, transactionalId);
        Assert.Equal("Empty", described.TransactionState);
        Assert.Empty(described.Topics);
        await AssertStillServedAsync();
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 3)]
    public async Task AddPartitionsToTxnWithAnOldEpochIsFenced(short version)
    {
        var transactionalId = NewTransactionalId($"txn-hostile-epoch-v{version}");
        var (producerId, oldEpoch) = await InitAsync(_client, transactionalId);
        var (_, currentEpoch) = await InitAsync(_client, transactionalId);
        Assert.Equal(oldEpoch + 1, currentEpoch);

        // PRODUCER_FENCED arrived with v2; older clients know it as INVALID_PRODUCER_EPOCH.
        var stale = await AddPartitionsAsync(_client, AddPartitionsRequest(transactionalId, producerId, oldEpoch, _topic, 0), version);
        Assert.Equal((short)(version >= 2 ? ErrorCode.ProducerFenced : ErrorCode.InvalidProducerEpoch), Assert.Single(stale).Value);
        Assert.Empty((await DescribeTransactionAsync(_client, transactionalId)).Topics);

        // The current epoch carries on.
        await AddPartitionsOkAsync(_client, transactionalId, producerId, currentEpoch, _topic, 0);
        Assert.Equal(0, (await EndAsync(_client, transactionalId, producerId, currentEpoch, commit: false)).ErrorCode);
        await AssertStillServedAsync();
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 3)]
    public async Task AddPartitionsToTxnWithAnUnknownTopicAddsNothing(short version)
    {
        var transactionalId = NewTransactionalId($"txn-hostile-topic-v{version}");
        var (producerId, epoch) = await InitAsync(_client, transactionalId);
        var request = AddPartitionsRequest(transactionalId, producerId, epoch, _topic, 0, 1);
        request.V3AndBelowTopics.Add(new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic { Name = $"txn-hostile-missing-v{version}", Partitions = [0] });
        request.V3AndBelowTopics.Add(new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic { Name = _topic + "-x", Partitions = [3] });

        // Kafka (KafkaApis.handleAddPartitionsToTransactionRequest): the unknown ones fail, the rest are not attempted.
        var results = await AddPartitionsAsync(_client, request, version);
        Assert.Equal((short)ErrorCode.OperationNotAttempted, results[(_topic, 0)]);
        Assert.Equal((short)ErrorCode.OperationNotAttempted, results[(_topic, 1)]);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, results[($"txn-hostile-missing-v{version}", 0)]);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, results[(_topic + "-x", 3)]);
        var described = await DescribeTransactionAsync(_client, transactionalId);
        Assert.Equal("Empty", described.TransactionState);
        Assert.Empty(described.Topics);
        await AssertStillServedAsync();
    }

    [Theory]
    [MemberData(nameof(Versions), 3, 11)]
    public async Task ATransactionalProduceToAPartitionNeverAddedWritesNothing(short version)
    {
        var transactionalId = NewTransactionalId($"txn-hostile-produce-v{version}");
        var (producerId, epoch) = await InitAsync(_client, transactionalId);
        // Partition 1 is in the transaction, partition 0 is not.
        await AddPartitionsOkAsync(_client, transactionalId, producerId, epoch, _topic, 1);
        var before = RawScenario.LogEndOffset(Host, _topic, 0);

        // KIP-890 part 1: the leader verifies the first transactional batch with the coordinator.
        var answer = await ProduceAsync(_client, transactionalId, _topic, 0, TransactionalBatch(producerId, epoch, 0, 2, "x"), version);
        Assert.Equal((short)(version >= 11 ? ErrorCode.TransactionAbortable : ErrorCode.InvalidTxnState), answer.ErrorCode);
        Assert.Equal(before, RawScenario.LogEndOffset(Host, _topic, 0));
        Assert.Equal(before, await LatestOffsetAsync(_client, _topic, 0, isolationLevel: 0));
        Assert.Equal(before, await LatestOffsetAsync(_client, _topic, 0, isolationLevel: 1));

        Assert.Equal(0, (await EndAsync(_client, transactionalId, producerId, epoch, commit: false)).ErrorCode);
        await AssertStillServedAsync();
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 1)]
    public async Task WriteTxnMarkersWithAStaleProducerEpochWritesNothing(short version)
    {
        var topic = $"txn-hostile-markers-v{version}-" + Guid.NewGuid().ToString("N")[..6];
        await RawScenario.CreateTopicAsync(_client, topic);
        var transactionalId = NewTransactionalId($"txn-hostile-markers-v{version}");
        var (producerId, staleEpoch) = await InitAsync(_client, transactionalId);
        var (_, epoch) = await InitAsync(_client, transactionalId);
        await AddPartitionsOkAsync(_client, transactionalId, producerId, epoch, topic, 0);
        Assert.Equal(0, await ProduceOkAsync(_client, transactionalId, topic, 0, TransactionalBatch(producerId, epoch, 0, 2, "s")));
        Assert.Equal(2, RawScenario.LogEndOffset(Host, topic, 0));

        var request = new WriteTxnMarkersRequest
        {
            Markers =
            [
                new WriteTxnMarkersRequest.WritableTxnMarker
                {
                    ProducerId = producerId,
                    ProducerEpoch = staleEpoch,
                    TransactionResult = true,
                    CoordinatorEpoch = 0,
                    Topics = [new WriteTxnMarkersRequest.WritableTxnMarkerTopic { Name = topic, PartitionIndexes = [0] }],
                },
            ],
        };
        var response = await _client.SendAsync<WriteTxnMarkersResponse>(request, version);
        var partition = Assert.Single(Assert.Single(Assert.Single(response.Markers).Topics).Partitions);
        Assert.Equal((short)ErrorCode.InvalidProducerEpoch, partition.ErrorCode);
        Assert.Equal(2, RawScenario.LogEndOffset(Host, topic, 0));
        // Still open: the last stable offset is held at the transaction's first offset.
        Assert.Equal(0, await LatestOffsetAsync(_client, topic, 0, isolationLevel: 1));

        Assert.Equal(0, (await EndAsync(_client, transactionalId, producerId, epoch, commit: false)).ErrorCode);
        await WaitForStateAsync(_client, transactionalId, "CompleteAbort");
        Assert.Equal(3, RawScenario.LogEndOffset(Host, topic, 0));
        await AssertStillServedAsync();
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 4)]
    public async Task TxnOffsetCommitWithoutAddOffsetsToTxnIsRefused(short version)
    {
        await CoordinatorReadiness.WaitAsync(Host, TimeSpan.FromSeconds(60));
        var group = GroupApiScenario.NewGroupId($"g-txn-hostile-v{version}");
        var transactionalId = NewTransactionalId($"txn-hostile-offsets-v{version}");
        var (producerId, epoch) = await InitAsync(_client, transactionalId);
        await AddPartitionsOkAsync(_client, transactionalId, producerId, epoch, _topic, 1);

        var commit = new TxnOffsetCommitRequest
        {
            TransactionalId = transactionalId,
            GroupId = group,
            ProducerId = producerId,
            ProducerEpoch = epoch,
            GenerationId = -1,
            MemberId = "",
            Topics =
            [
                new TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic
                {
                    Name = _topic,
                    Partitions = [new TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition { PartitionIndex = 0, CommittedOffset = 99 }],
                },
            ],
        };
        var response = await _client.SendAsync<TxnOffsetCommitResponse>(commit, version);
        var result = Assert.Single(Assert.Single(response.Topics).Partitions);
        // The group's offsets partition is not in the transaction: KIP-890 verification fails it.
        Assert.Equal((short)(version >= 4 ? ErrorCode.TransactionAbortable : ErrorCode.InvalidTxnState), result.ErrorCode);

        // Nothing pending: a commit of the transaction leaves the group without an offset, and a stable read is not blocked.
        Assert.Equal(0, (await EndAsync(_client, transactionalId, producerId, epoch, commit: true)).ErrorCode);
        await WaitForStateAsync(_client, transactionalId, "CompleteCommit");
        var stable = await _client.SendAsync<OffsetFetchResponse>(new OffsetFetchRequest
        {
            RequireStable = true,
            Groups =
            [
                new OffsetFetchRequest.OffsetFetchRequestGroup
                {
                    GroupId = group,
                    Topics = [new OffsetFetchRequest.OffsetFetchRequestTopics { Name = _topic, PartitionIndexes = [0] }],
                },
            ],
        }, 9);
        var fetched = Assert.Single(Assert.Single(Assert.Single(stable.Groups).Topics).Partitions);
        Assert.Equal(0, fetched.ErrorCode);
        Assert.Equal(-1, fetched.CommittedOffset);
        await AssertStillServedAsync();
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 5)]
    public async Task InitProducerIdWithATransactionTimeoutAboveTheMaximumIsInvalidTransactionTimeout(short version)
    {
        var transactionalId = NewTransactionalId($"txn-hostile-timeout-v{version}");
        var response = await InitProducerIdAsync(_client, transactionalId, version, transactionTimeoutMs: DefaultTransactionMaxTimeoutMs + 1);
        Assert.Equal((short)ErrorCode.InvalidTransactionTimeout, response.ErrorCode);
        Assert.Equal(-1, response.ProducerId);
        var zero = await InitProducerIdAsync(_client, transactionalId, version, transactionTimeoutMs: 0);
        Assert.Equal((short)ErrorCode.InvalidTransactionTimeout, zero.ErrorCode);

        // Nothing was created for it: the transactional id is still unknown to the coordinator.
        Assert.Equal((short)ErrorCode.TransactionalIdNotFound, (await DescribeTransactionAsync(_client, transactionalId)).ErrorCode);

        // At the maximum it is accepted.
        var atMaximum = await InitProducerIdAsync(_client, transactionalId, version, transactionTimeoutMs: DefaultTransactionMaxTimeoutMs);
        Assert.Equal(0, atMaximum.ErrorCode);
        await AssertStillServedAsync();
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 5)]
    public async Task InitProducerIdWithAnEmptyTransactionalIdIsInvalidRequest(short version)
    {
        var response = await _client.SendAsync<InitProducerIdResponse>(new InitProducerIdRequest { TransactionalId = "", TransactionTimeoutMs = 60_000 }, version);
        Assert.Equal((short)ErrorCode.InvalidRequest, response.ErrorCode);
        Assert.Equal(-1, response.ProducerId);
        Assert.Equal(-1, response.ProducerEpoch);
        await AssertStillServedAsync();
    }

    [Theory]
    [MemberData(nameof(Versions), 3, 11)]
    public async Task ATransactionalBatchInAProduceWithoutATransactionalIdIsRefusedAndWritesNothing(short version)
    {
        var transactionalId = NewTransactionalId($"txn-hostile-noid-v{version}");
        var (producerId, epoch) = await InitAsync(_client, transactionalId);
        await AddPartitionsOkAsync(_client, transactionalId, producerId, epoch, _topic, 0);

        // Kafka (KafkaApis.handleProduceRequest): transactional records need a transactional id the client may write
        // for, else the whole request fails with TRANSACTIONAL_ID_AUTHORIZATION_FAILED. Written unverified, the batch
        // would hold the LSO until the coordinator happened to end a transaction there.
        var request = RawScenario.ProduceRequestFor(_topic, 0, TransactionalBatch(producerId, epoch, 0, 2, "n"));
        request.TransactionalId = null;
        var response = await _client.SendAsync<ProduceResponse>(request, version);
        var answer = Assert.Single(Assert.Single(response.Responses).PartitionResponses);
        Assert.Equal((short)ErrorCode.TransactionalIdAuthorizationFailed, answer.ErrorCode);
        Assert.Equal(1, RawScenario.LogEndOffset(Host, _topic, 0));
        Assert.Equal(1, await LatestOffsetAsync(_client, _topic, 0, isolationLevel: 1));

        Assert.Equal(0, (await EndAsync(_client, transactionalId, producerId, epoch, commit: false)).ErrorCode);
        await AssertStillServedAsync();
    }

    [Fact]
    public async Task ATransactionalProduceAtAFencedEpochWritesNothing()
    {
        var transactionalId = NewTransactionalId("txn-hostile-zombie");
        var (producerId, staleEpoch) = await InitAsync(_client, transactionalId);
        var (_, epoch) = await InitAsync(_client, transactionalId);
        await AddPartitionsOkAsync(_client, transactionalId, producerId, epoch, _topic, 0);

        // The zombie's first batch on the partition is verified with the coordinator, which knows a newer epoch.
        var zombie = await ProduceAsync(_client, transactionalId, _topic, 0, TransactionalBatch(producerId, staleEpoch, 0, 2, "z"));
        Assert.True(zombie.ErrorCode is (short)ErrorCode.InvalidProducerEpoch or (short)ErrorCode.ProducerFenced,
            $"a produce at a fenced epoch must be refused as fenced, got error {zombie.ErrorCode}");
        Assert.Equal(1, RawScenario.LogEndOffset(Host, _topic, 0));

        // The current producer is unaffected.
        Assert.Equal(1, await ProduceOkAsync(_client, transactionalId, _topic, 0, TransactionalBatch(producerId, epoch, 0, 2, "c")));
        Assert.Equal(0, (await EndAsync(_client, transactionalId, producerId, epoch, commit: true)).ErrorCode);
        await WaitForStateAsync(_client, transactionalId, "CompleteCommit");
        Assert.Equal(4, await LatestOffsetAsync(_client, _topic, 0, isolationLevel: 1));
        await AssertStillServedAsync();
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 4)]
    public async Task EndTxnWithTheOtherOutcomeAfterACommitIsInvalidTxnStateAndARetryIsAnswered(short version)
    {
        var transactionalId = NewTransactionalId($"txn-hostile-twice-v{version}");
        var (producerId, epoch) = await InitAsync(_client, transactionalId);
        await AddPartitionsOkAsync(_client, transactionalId, producerId, epoch, _topic, 0);
        Assert.Equal(1, await ProduceOkAsync(_client, transactionalId, _topic, 0, TransactionalBatch(producerId, epoch, 0, 1, "t")));
        Assert.Equal(0, (await EndAsync(_client, transactionalId, producerId, epoch, commit: true, version)).ErrorCode);
        await WaitForStateAsync(_client, transactionalId, "CompleteCommit");
        var logEnd = RawScenario.LogEndOffset(Host, _topic, 0);
        Assert.Equal(3, logEnd);

        // Kafka (TransactionCoordinator.endTransaction, CompleteCommit): the same outcome again is a retry after a lost
        // answer and succeeds; the other outcome is an illegal transition. Neither writes a marker.
        Assert.Equal(0, (await EndAsync(_client, transactionalId, producerId, epoch, commit: true, version)).ErrorCode);
        Assert.Equal((short)ErrorCode.InvalidTxnState, (await EndAsync(_client, transactionalId, producerId, epoch, commit: false, version)).ErrorCode);
        Assert.Equal("CompleteCommit", (await DescribeTransactionAsync(_client, transactionalId)).TransactionState);
        Assert.Equal(logEnd, RawScenario.LogEndOffset(Host, _topic, 0));
        await AssertStillServedAsync();
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 1)]
    public async Task WriteTxnMarkersForAnUnknownPartitionFailsOnlyThatPartition(short version)
    {
        var transactionalId = NewTransactionalId($"txn-hostile-marker-topic-v{version}");
        var (producerId, epoch) = await InitAsync(_client, transactionalId);
        await AddPartitionsOkAsync(_client, transactionalId, producerId, epoch, _topic, 0);
        Assert.Equal(1, await ProduceOkAsync(_client, transactionalId, _topic, 0, TransactionalBatch(producerId, epoch, 0, 1, "u")));

        var missing = $"txn-hostile-marker-missing-v{version}";
        var request = new WriteTxnMarkersRequest
        {
            Markers =
            [
                new WriteTxnMarkersRequest.WritableTxnMarker
                {
                    ProducerId = producerId,
                    ProducerEpoch = epoch,
                    TransactionResult = false,
                    CoordinatorEpoch = 0,
                    Topics =
                    [
                        new WriteTxnMarkersRequest.WritableTxnMarkerTopic { Name = missing, PartitionIndexes = [0] },
                        new WriteTxnMarkersRequest.WritableTxnMarkerTopic { Name = _topic, PartitionIndexes = [7, 0] },
                    ],
                },
            ],
        };
        var response = await _client.SendAsync<WriteTxnMarkersResponse>(request, version);
        var results = Assert.Single(response.Markers).Topics.SelectMany(t => t.Partitions.Select(p => (t.Name, p.PartitionIndex, p.ErrorCode))).ToList();
        Assert.Equal([(missing, 0, (short)ErrorCode.UnknownTopicOrPartition), (_topic, 7, (short)ErrorCode.UnknownTopicOrPartition), (_topic, 0, (short)0)], results);
        Assert.DoesNotContain(missing, Host.InProcess().Metadata.Current.TopicsByName.Keys);
        // The marker went to the one real partition: the open range is closed.
        Assert.Equal(3, RawScenario.LogEndOffset(Host, _topic, 0));
        Assert.Equal(3, await LatestOffsetAsync(_client, _topic, 0, isolationLevel: 1));
        await RawScenario.AssertServedAsync(_client);
    }

    [Fact]
    public async Task DescribeTransactionsWithAnEmptyIdIsInvalidRequestForThatIdAlone()
    {
        var transactionalId = NewTransactionalId("txn-hostile-describe");
        var (producerId, _) = await InitAsync(_client, transactionalId);

        // Kafka (TransactionCoordinator.handleDescribeTransactions): an empty id is INVALID_REQUEST, an unknown one
        // TRANSACTIONAL_ID_NOT_FOUND; the others in the request are described as usual.
        var unknown = NewTransactionalId("txn-hostile-describe-unknown");
        var response = await _client.SendAsync<DescribeTransactionsResponse>(
            new DescribeTransactionsRequest { TransactionalIds = ["", unknown, transactionalId] }, 0);
        Assert.Equal(["", unknown, transactionalId], response.TransactionStates.Select(s => s.TransactionalId));
        Assert.Equal([(short)ErrorCode.InvalidRequest, (short)ErrorCode.TransactionalIdNotFound, (short)0],
            response.TransactionStates.Select(s => s.ErrorCode));
        Assert.Equal(producerId, response.TransactionStates[2].ProducerId);
        await AssertStillServedAsync();
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 5)]
    public async Task EndTxnForAnUnknownTransactionalIdIsInvalidProducerIdMapping(short version)
    {
        var (producerId, epoch) = await InitAsync(_client, NewTransactionalId($"txn-hostile-end-known-v{version}"));

        // Kafka (TransactionCoordinator.endTransaction): no metadata for the id → INVALID_PRODUCER_ID_MAPPING.
        var response = await EndAsync(_client, NewTransactionalId($"txn-hostile-end-unknown-v{version}"), producerId, epoch, commit: true, version);
        Assert.Equal((short)ErrorCode.InvalidProducerIdMapping, response.ErrorCode);
        await AssertStillServedAsync();
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 4)]
    public async Task AddOffsetsToTxnWithAnOldEpochIsFenced(short version)
    {
        await CoordinatorReadiness.WaitAsync(Host, TimeSpan.FromSeconds(60));
        var transactionalId = NewTransactionalId($"txn-hostile-addoffsets-v{version}");
        var (producerId, oldEpoch) = await InitAsync(_client, transactionalId);
        var (_, currentEpoch) = await InitAsync(_client, transactionalId);

        var response = await _client.SendAsync<AddOffsetsToTxnResponse>(new AddOffsetsToTxnRequest
        {
            TransactionalId = transactionalId,
            ProducerId = producerId,
            ProducerEpoch = oldEpoch,
            GroupId = GroupApiScenario.NewGroupId($"g-txn-hostile-addoffsets-v{version}"),
        }, version);
        // PRODUCER_FENCED arrived with v2; older clients know it as INVALID_PRODUCER_EPOCH.
        Assert.Equal((short)(version >= 2 ? ErrorCode.ProducerFenced : ErrorCode.InvalidProducerEpoch), response.ErrorCode);
        var described = await DescribeTransactionAsync(_client, transactionalId);
        Assert.Equal("Empty", described.TransactionState);
        Assert.Equal(currentEpoch, described.ProducerEpoch);
        Assert.Empty(described.Topics);
        await AssertStillServedAsync();
    }
}

using Fjord.Protocol;
using Fjord.Testing;
using static Fjord.Broker.Tests.Protocol.TransactionScenario;

namespace Fjord.Broker.Tests.Protocol;

/// <summary>
/// The transaction APIs (KIP-98, KIP-664, KIP-890) at every advertised version, each inside a real
/// transaction driven by hand: InitProducerId, AddPartitionsToTxn, a transactional produce, EndTxn, with the
/// coordinator's view (DescribeTransactions) and the log's (LSO, aborted transactions) checked after each step.
/// </summary>
public sealed partial class EveryAdvertisedVersionTests
{
    private static readonly TimeSpan TransactionDeadline = TimeSpan.FromSeconds(60);

    [Theory]
    [MemberData(nameof(Versions), 1, 5)]
    public async Task FindCoordinatorForATransactionalIdNamesThisBrokerAtEveryVersion(short version)
    {
        var transactionalId = NewTransactionalId($"txn-find-v{version}");
        FindCoordinatorResponse? response = null;
        await Poll.UntilAsync(async () =>
        {
            var request = version >= 4
                ? new FindCoordinatorRequest { KeyType = 1, CoordinatorKeys = [transactionalId] }
                : new FindCoordinatorRequest { KeyType = 1, Key = transactionalId };
            response = await _client.SendAsync<FindCoordinatorResponse>(request, version);
            var error = version >= 4 ? Assert.Single(response.Coordinators).ErrorCode : response.ErrorCode;
            return !IsCoordinatorLoading(error);
        }, TransactionDeadline, "the transaction coordinator to be placed");

        if (version >= 4)
        {
            var coordinator = Assert.Single(response!.Coordinators);
            Assert.Equal(transactionalId, coordinator.Key);
            Assert.Equal(0, coordinator.ErrorCode);
            Assert.Equal(0, coordinator.NodeId);
            Assert.Equal(Host[0].Port, coordinator.Port);
        }
        else
        {
            Assert.Equal(0, response!.ErrorCode);
            Assert.Equal(0, response.NodeId);
            Assert.Equal(Host[0].Port, response.Port);
        }
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 5)]
    public async Task InitProducerIdWithATransactionalIdKeepsTheIdAndBumpsTheEpochAtEveryVersion(short version)
    {
        var transactionalId = NewTransactionalId($"txn-init-v{version}");
        var first = await InitProducerIdAsync(_client, transactionalId, version);
        Assert.Equal(0, first.ErrorCode);
        Assert.True(first.ProducerId >= 0, $"producer id {first.ProducerId}");
        Assert.Equal(0, first.ProducerEpoch);

        // Kafka: a new producer instance with the same transactional id keeps the id and fences the old one by epoch.
        var second = await InitProducerIdAsync(_client, transactionalId, version);
        Assert.Equal(0, second.ErrorCode);
        Assert.Equal(first.ProducerId, second.ProducerId);
        Assert.Equal(1, second.ProducerEpoch);

        if (version < 3) return;
        // KIP-360 (v3+): the producer names its current id and epoch to bump after an abortable error.
        var bumped = await InitProducerIdAsync(_client, transactionalId, version, second.ProducerId, second.ProducerEpoch);
        Assert.Equal(0, bumped.ErrorCode);
        Assert.Equal(first.ProducerId, bumped.ProducerId);
        Assert.Equal(2, bumped.ProducerEpoch);

        // The fenced instance (an older epoch) is told so: PRODUCER_FENCED from v4, INVALID_PRODUCER_EPOCH before.
        var stale = await InitProducerIdAsync(_client, transactionalId, version, first.ProducerId, first.ProducerEpoch);
        Assert.Equal((short)(version >= 4 ? ErrorCode.ProducerFenced : ErrorCode.InvalidProducerEpoch), stale.ErrorCode);
        Assert.Equal(2, (await DescribeTransactionAsync(_client, transactionalId)).ProducerEpoch);
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 5)]
    public async Task EndTxnCommitsThenAbortsATransactionAtEveryVersion(short version)
    {
        var topic = $"t-txn-end-v{version}";
        var topicId = await RawScenario.CreateTopicAsync(_client, topic);
        var transactionalId = NewTransactionalId($"txn-end-v{version}");
        var (producerId, epoch) = await InitAsync(_client, transactionalId);

        await AddPartitionsOkAsync(_client, transactionalId, producerId, epoch, topic, 0);
        Assert.Equal(0, await ProduceOkAsync(_client, transactionalId, topic, 0, TransactionalBatch(producerId, epoch, 0, 3, "c")));
        Assert.Equal(0, await LatestOffsetAsync(_client, topic, 0, isolationLevel: 1));

        var committed = await EndAsync(_client, transactionalId, producerId, epoch, commit: true, version);
        Assert.Equal(0, committed.ErrorCode);
        var sequence = 3;
        if (version >= 5)
        {
            // KIP-890 part 2: every end bumps the epoch and the answer carries the id and epoch to use next.
            Assert.Equal(producerId, committed.ProducerId);
            Assert.Equal(epoch + 1, committed.ProducerEpoch);
            epoch = committed.ProducerEpoch;
            sequence = 0;
        }
        await WaitForStateAsync(_client, transactionalId, "CompleteCommit");
        // The COMMIT marker at offset 3 is written and the LSO is past it.
        Assert.Equal(4, await LatestOffsetAsync(_client, topic, 0, isolationLevel: 1));
        Assert.Equal(4, await LatestOffsetAsync(_client, topic, 0, isolationLevel: 0));
        Assert.Equal(epoch, (await DescribeTransactionAsync(_client, transactionalId)).ProducerEpoch);

        // The next transaction of the same producer, aborted.
        await AddPartitionsOkAsync(_client, transactionalId, producerId, epoch, topic, 0);
        Assert.Equal(4, await ProduceOkAsync(_client, transactionalId, topic, 0, TransactionalBatch(producerId, epoch, sequence, 2, "a")));
        var aborted = await EndAsync(_client, transactionalId, producerId, epoch, commit: false, version);
        Assert.Equal(0, aborted.ErrorCode);
        if (version >= 5)
        {
            Assert.Equal(producerId, aborted.ProducerId);
            Assert.Equal(epoch + 1, aborted.ProducerEpoch);
        }
        await WaitForStateAsync(_client, transactionalId, "CompleteAbort");

        var readCommitted = await FetchAsync(_client, topic, topicId, 0, 0, isolationLevel: 1);
        Assert.Equal(7, readCommitted.HighWatermark);
        Assert.Equal(7, readCommitted.LastStableOffset);
        var abortedTransaction = Assert.Single(readCommitted.AbortedTransactions ?? []);
        Assert.Equal(producerId, abortedTransaction.ProducerId);
        Assert.Equal(4, abortedTransaction.FirstOffset);
        Assert.Equal([(0L, 2L, false), (3L, 3L, true), (4L, 5L, false), (6L, 6L, true)], Batches(readCommitted.Records));
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 3)]
    public async Task AddPartitionsToTxnAddsPartitionsToTheOpenTransactionAtEveryClientVersion(short version)
    {
        var topic = $"t-txn-add-v{version}";
        await RawScenario.CreateTopicAsync(_client, topic, partitions: 3);
        var transactionalId = NewTransactionalId($"txn-add-v{version}");
        var (producerId, epoch) = await InitAsync(_client, transactionalId);

        var request = AddPartitionsRequest(transactionalId, producerId, epoch, topic, 0, 2);
        var response = await _client.SendAsync<AddPartitionsToTxnResponse>(request, version);
        Assert.Empty(response.ResultsByTransaction);
        var result = Assert.Single(response.ResultsByTopicV3AndBelow);
        Assert.Equal(topic, result.Name);
        Assert.Equal([0, 2], result.ResultsByPartition.Select(p => p.PartitionIndex));
        Assert.All(result.ResultsByPartition, p => Assert.Equal(0, p.PartitionErrorCode));

        // Adding a partition already in the transaction is no error (a client retries after a lost answer).
        var again = await AddPartitionsAsync(_client, AddPartitionsRequest(transactionalId, producerId, epoch, topic, 0, 1), version);
        Assert.All(again, r => Assert.Equal(0, r.Value));

        var described = await DescribeTransactionAsync(_client, transactionalId);
        Assert.Equal("Ongoing", described.TransactionState);
        Assert.Equal([0, 1, 2], Assert.Single(described.Topics, t => t.Topic == topic).Partitions.Order());

        Assert.Equal(0, (await EndAsync(_client, transactionalId, producerId, epoch, commit: false)).ErrorCode);
        await WaitForStateAsync(_client, transactionalId, "CompleteAbort");
    }

    [Theory]
    [MemberData(nameof(Versions), 4, 5)]
    public async Task AddPartitionsToTxnVerifiesAndAddsInBatchesAtEveryBrokerVersion(short version)
    {
        var topic = $"t-txn-verify-v{version}";
        await RawScenario.CreateTopicAsync(_client, topic, partitions: 2);
        var verified = NewTransactionalId($"txn-verify-v{version}");
        var (verifiedId, verifiedEpoch) = await InitAsync(_client, verified);
        await AddPartitionsOkAsync(_client, verified, verifiedId, verifiedEpoch, topic, 0);
        var added = NewTransactionalId($"txn-verify-add-v{version}");
        var (addedId, addedEpoch) = await InitAsync(_client, added);

        // One request, two transactions: a verification of one (KIP-890 part 1) and an addition to the other.
        var request = new AddPartitionsToTxnRequest
        {
            Transactions =
            [
                new AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction
                {
                    TransactionalId = verified, ProducerId = verifiedId, ProducerEpoch = verifiedEpoch, VerifyOnly = true,
                    Topics = [new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic { Name = topic, Partitions = [0, 1] }],
                },
                new AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction
                {
                    TransactionalId = added, ProducerId = addedId, ProducerEpoch = addedEpoch, VerifyOnly = false,
                    Topics = [new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic { Name = topic, Partitions = [1] }],
                },
            ],
        };
        var response = await _client.SendAsync<AddPartitionsToTxnResponse>(request, version);
        Assert.Equal(0, response.ErrorCode);
        Assert.Empty(response.ResultsByTopicV3AndBelow);
        Assert.Equal([verified, added], response.ResultsByTransaction.Select(r => r.TransactionalId));

        var verification = Assert.Single(response.ResultsByTransaction[0].TopicResults).ResultsByPartition.ToDictionary(p => p.PartitionIndex, p => p.PartitionErrorCode);
        Assert.Equal(0, verification[0]);
        Assert.Equal((short)(version >= 5 ? ErrorCode.TransactionAbortable : ErrorCode.InvalidTxnState), verification[1]);
        Assert.Equal(0, Assert.Single(Assert.Single(response.ResultsByTransaction[1].TopicResults).ResultsByPartition).PartitionErrorCode);

        // Verifying added nothing; adding did.
        Assert.Equal([0], Assert.Single((await DescribeTransactionAsync(_client, verified)).Topics).Partitions);
        Assert.Equal([1], Assert.Single((await DescribeTransactionAsync(_client, added)).Topics).Partitions);
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 4)]
    public async Task OffsetsCommittedInATransactionBecomeVisibleAtItsCommitAtEveryVersion(short version)
    {
        await CoordinatorReadiness.WaitAsync(Host, TransactionDeadline);
        var topic = $"t-txn-offsets-v{version}";
        await RawScenario.CreateTopicAsync(_client, topic, partitions: 2);
        var group = GroupApiScenario.NewGroupId($"g-txn-offsets-v{version}");
        var transactionalId = NewTransactionalId($"txn-offsets-v{version}");
        var (producerId, epoch) = await InitAsync(_client, transactionalId);

        var addOffsets = await _client.SendAsync<AddOffsetsToTxnResponse>(new AddOffsetsToTxnRequest
        {
            TransactionalId = transactionalId,
            ProducerId = producerId,
            ProducerEpoch = epoch,
            GroupId = group,
        }, version);
        Assert.Equal(0, addOffsets.ErrorCode);
        Assert.Contains(Assert.Single((await DescribeTransactionAsync(_client, transactionalId)).Topics).Topic, new[] { "__consumer_offsets" });

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
                    Name = topic,
                    Partitions =
                    [
                        new TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition { PartitionIndex = 0, CommittedOffset = 40 + version, CommittedLeaderEpoch = 5, CommittedMetadata = "txn" },
                        new TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition { PartitionIndex = 1, CommittedOffset = 50 + version, CommittedLeaderEpoch = 5, CommittedMetadata = null },
                    ],
                },
            ],
        };
        var committed = await _client.SendAsync<TxnOffsetCommitResponse>(commit, version);
        var topicResult = Assert.Single(committed.Topics);
        Assert.Equal(topic, topicResult.Name);
        Assert.Equal([0, 1], topicResult.Partitions.Select(p => p.PartitionIndex));
        Assert.All(topicResult.Partitions, p => Assert.Equal(0, p.ErrorCode));

        // Pending until the COMMIT marker: invisible, and a consumer asking for stable offsets is told to retry (KIP-447).
        Assert.Equal(-1, await GroupApiScenario.CommittedOffsetAsync(_client, group, topic, 0));
        var stable = await StableOffsetFetchAsync(group, topic);
        Assert.Equal((short)ErrorCode.UnstableOffsetCommit, stable[0].ErrorCode);

        Assert.Equal(0, (await EndAsync(_client, transactionalId, producerId, epoch, commit: true)).ErrorCode);
        await Poll.UntilAsync(async () => await GroupApiScenario.CommittedOffsetAsync(_client, group, topic, 0) == 40 + version, TransactionDeadline,
            "the transactional offset to be committed");
        var after = await StableOffsetFetchAsync(group, topic);
        Assert.All(after, p => Assert.Equal(0, p.ErrorCode));
        Assert.Equal([40L + version, 50L + version], after.Select(p => p.CommittedOffset));
        Assert.Equal("txn", after[0].Metadata);
        // The leader epoch travels from v2 on.
        Assert.Equal(version >= 2 ? 5 : -1, after[0].CommittedLeaderEpoch);
    }

    private async Task<List<OffsetFetchResponse.OffsetFetchResponsePartitions>> StableOffsetFetchAsync(string group, string topic)
    {
        var request = new OffsetFetchRequest
        {
            RequireStable = true,
            Groups =
            [
                new OffsetFetchRequest.OffsetFetchRequestGroup
                {
                    GroupId = group,
                    Topics = [new OffsetFetchRequest.OffsetFetchRequestTopics { Name = topic, PartitionIndexes = [0, 1] }],
                },
            ],
        };
        var response = await _client.SendAsync<OffsetFetchResponse>(request, 9);
        var result = Assert.Single(response.Groups);
        return [.. Assert.Single(result.Topics).Partitions.OrderBy(p => p.PartitionIndex)];
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 0)]
    public async Task DescribeTransactionsFollowsATransactionFromEmptyToCompleteCommitAtEveryVersion(short version)
    {
        var topic = $"t-txn-describe-v{version}";
        await RawScenario.CreateTopicAsync(_client, topic, partitions: 2);
        var transactionalId = NewTransactionalId($"txn-describe-v{version}");
        var (producerId, epoch) = await InitAsync(_client, transactionalId);
        var unknown = NewTransactionalId("txn-describe-unknown");

        var response = await _client.SendAsync<DescribeTransactionsResponse>(new DescribeTransactionsRequest { TransactionalIds = [transactionalId, unknown] }, version);
        Assert.Equal(2, response.TransactionStates.Count);
        var empty = response.TransactionStates[0];
        Assert.Equal(transactionalId, empty.TransactionalId);
        Assert.Equal(0, empty.ErrorCode);
        Assert.Equal("Empty", empty.TransactionState);
        Assert.Equal(producerId, empty.ProducerId);
        Assert.Equal(epoch, empty.ProducerEpoch);
        Assert.Equal(TransactionTimeoutMs, empty.TransactionTimeoutMs);
        Assert.Empty(empty.Topics);
        Assert.Equal(unknown, response.TransactionStates[1].TransactionalId);
        Assert.Equal((short)ErrorCode.TransactionalIdNotFound, response.TransactionStates[1].ErrorCode);

        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await AddPartitionsOkAsync(_client, transactionalId, producerId, epoch, topic, 0, 1);
        await ProduceOkAsync(_client, transactionalId, topic, 1, TransactionalBatch(producerId, epoch, 0, 1, "d"));
        var ongoing = Assert.Single((await _client.SendAsync<DescribeTransactionsResponse>(
            new DescribeTransactionsRequest { TransactionalIds = [transactionalId] }, version)).TransactionStates);
        Assert.Equal("Ongoing", ongoing.TransactionState);
        Assert.InRange(ongoing.TransactionStartTimeMs, before - 5_000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 5_000);
        var partitions = Assert.Single(ongoing.Topics);
        Assert.Equal(topic, partitions.Topic);
        Assert.Equal([0, 1], partitions.Partitions.Order());

        Assert.Equal(0, (await EndAsync(_client, transactionalId, producerId, epoch, commit: true)).ErrorCode);
        var complete = await WaitForStateAsync(_client, transactionalId, "CompleteCommit");
        Assert.Equal(producerId, complete.ProducerId);
        Assert.Empty(complete.Topics);
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 1)]
    public async Task ListTransactionsFiltersByStateAndProducerIdAtEveryVersion(short version)
    {
        var topic = $"t-txn-list-v{version}";
        await RawScenario.CreateTopicAsync(_client, topic);
        var ongoingId = NewTransactionalId($"txn-list-ongoing-v{version}");
        var (ongoingProducer, ongoingEpoch) = await InitAsync(_client, ongoingId);
        await AddPartitionsOkAsync(_client, ongoingId, ongoingProducer, ongoingEpoch, topic, 0);
        var emptyId = NewTransactionalId($"txn-list-empty-v{version}");
        var (emptyProducer, _) = await InitAsync(_client, emptyId);

        async Task<ListTransactionsResponse> ListAsync(string[] states, long[] producerIds, long duration = -1)
        {
            var response = await _client.SendAsync<ListTransactionsResponse>(
                new ListTransactionsRequest { StateFilters = [.. states], ProducerIdFilters = [.. producerIds], DurationFilter = duration }, version);
            Assert.Equal(0, response.ErrorCode);
            return response;
        }

        var all = await ListAsync([], []);
        Assert.Empty(all.UnknownStateFilters);
        var ongoing = Assert.Single(all.TransactionStates, t => t.TransactionalId == ongoingId);
        Assert.Equal(ongoingProducer, ongoing.ProducerId);
        Assert.Equal("Ongoing", ongoing.TransactionState);
        Assert.Equal("Empty", Assert.Single(all.TransactionStates, t => t.TransactionalId == emptyId).TransactionState);

        var onlyOngoing = await ListAsync(["Ongoing"], []);
        Assert.Contains(onlyOngoing.TransactionStates, t => t.TransactionalId == ongoingId);
        Assert.All(onlyOngoing.TransactionStates, t => Assert.Equal("Ongoing", t.TransactionState));

        var byProducer = await ListAsync([], [emptyProducer]);
        Assert.Equal(emptyId, Assert.Single(byProducer.TransactionStates).TransactionalId);
        Assert.Empty((await ListAsync(["Ongoing"], [emptyProducer])).TransactionStates);

        // A state the broker does not know is named back, and matches nothing.
        var unknownState = await ListAsync(["NoSuchState"], []);
        Assert.Equal(["NoSuchState"], unknownState.UnknownStateFilters);
        Assert.Empty(unknownState.TransactionStates);
        var mixed = await ListAsync(["NoSuchState", "Ongoing"], [ongoingProducer]);
        Assert.Equal(["NoSuchState"], mixed.UnknownStateFilters);
        Assert.Equal(ongoingId, Assert.Single(mixed.TransactionStates).TransactionalId);

        if (version >= 1)
        {
            // KIP-994: only transactions running longer than the duration; this one has run for well under an hour.
            Assert.Empty((await ListAsync([], [ongoingProducer], duration: 3_600_000)).TransactionStates);
            Assert.Equal(ongoingId, Assert.Single((await ListAsync([], [ongoingProducer], duration: -1)).TransactionStates).TransactionalId);
        }

        Assert.Equal(0, (await EndAsync(_client, ongoingId, ongoingProducer, ongoingEpoch, commit: false)).ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 1)]
    public async Task WriteTxnMarkersAbortsAnOpenTransactionsPartitionAtEveryVersion(short version)
    {
        var topic = $"t-txn-markers-v{version}";
        var topicId = await RawScenario.CreateTopicAsync(_client, topic);
        Assert.Equal(0, await RawScenario.AppendAsync(_client, topic, 0, new Fjord.Testing.Records.RecordBatchBuilder().Add("k", "plain").Build()));
        var transactionalId = NewTransactionalId($"txn-markers-v{version}");
        var (producerId, epoch) = await InitAsync(_client, transactionalId);
        await AddPartitionsOkAsync(_client, transactionalId, producerId, epoch, topic, 0);
        Assert.Equal(1, await ProduceOkAsync(_client, transactionalId, topic, 0, TransactionalBatch(producerId, epoch, 0, 3, "m")));

        var open = await FetchAsync(_client, topic, topicId, 0, 0, isolationLevel: 1);
        Assert.Equal(4, open.HighWatermark);
        Assert.Equal(1, open.LastStableOffset);

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
                    Topics = [new WriteTxnMarkersRequest.WritableTxnMarkerTopic { Name = topic, PartitionIndexes = [0] }],
                },
            ],
        };
        var response = await _client.SendAsync<WriteTxnMarkersResponse>(request, version);
        var marker = Assert.Single(response.Markers);
        Assert.Equal(producerId, marker.ProducerId);
        var partition = Assert.Single(Assert.Single(marker.Topics).Partitions);
        Assert.Equal(0, partition.PartitionIndex);
        Assert.Equal(0, partition.ErrorCode);

        // The ABORT marker at offset 4 closes the range 1–3: stable now, and reported as aborted to read_committed.
        Assert.Equal(5, RawScenario.LogEndOffset(Host, topic, 0));
        foreach (var fetchVersion in new short[] { 4, 11, 17 })
        {
            var closed = await FetchAsync(_client, topic, topicId, 0, 0, isolationLevel: 1, fetchVersion);
            Assert.Equal(5, closed.HighWatermark);
            Assert.Equal(5, closed.LastStableOffset);
            var aborted = Assert.Single(closed.AbortedTransactions ?? []);
            Assert.Equal(producerId, aborted.ProducerId);
            Assert.Equal(1, aborted.FirstOffset);
            Assert.Equal([(0L, 0L, false), (1L, 3L, false), (4L, 4L, true)], Batches(closed.Records));
        }
        Assert.Equal(5, await LatestOffsetAsync(_client, topic, 0, isolationLevel: 1));
    }

    [Theory]
    [MemberData(nameof(Versions), 4, 17)]
    public async Task ReadCommittedFetchStopsAtTheLastStableOffsetWhileATransactionIsOpenAtEveryVersion(short version)
    {
        var topic = $"t-txn-lso-v{version}";
        var topicId = await RawScenario.CreateTopicAsync(_client, topic);
        Assert.Equal(0, await RawScenario.AppendAsync(_client, topic, 0,
            new Fjord.Testing.Records.RecordBatchBuilder().Add("k", "a").Add("k", "b").Build()));
        var transactionalId = NewTransactionalId($"txn-lso-v{version}");
        var (producerId, epoch) = await InitAsync(_client, transactionalId);
        await AddPartitionsOkAsync(_client, transactionalId, producerId, epoch, topic, 0);
        Assert.Equal(2, await ProduceOkAsync(_client, transactionalId, topic, 0, TransactionalBatch(producerId, epoch, 0, 3, "l")));

        var committedView = await FetchAsync(_client, topic, topicId, 0, 0, isolationLevel: 1, version);
        Assert.Equal(5, committedView.HighWatermark);
        Assert.Equal(2, committedView.LastStableOffset);
        Assert.Empty(committedView.AbortedTransactions ?? []);
        Assert.Equal([(0L, 1L, false)], Batches(committedView.Records));
        var uncommittedView = await FetchAsync(_client, topic, topicId, 0, 0, isolationLevel: 0, version);
        Assert.Equal(5, uncommittedView.HighWatermark);
        Assert.Equal([(0L, 1L, false), (2L, 4L, false)], Batches(uncommittedView.Records));
        Assert.Equal(2, await LatestOffsetAsync(_client, topic, 0, isolationLevel: 1));
        Assert.Equal(5, await LatestOffsetAsync(_client, topic, 0, isolationLevel: 0));

        Assert.Equal(0, (await EndAsync(_client, transactionalId, producerId, epoch, commit: true)).ErrorCode);
        await WaitForStateAsync(_client, transactionalId, "CompleteCommit");
        var afterCommit = await FetchAsync(_client, topic, topicId, 0, 0, isolationLevel: 1, version);
        Assert.Equal(6, afterCommit.HighWatermark);
        Assert.Equal(6, afterCommit.LastStableOffset);
        Assert.Empty(afterCommit.AbortedTransactions ?? []);
        Assert.Equal([(0L, 1L, false), (2L, 4L, false), (5L, 5L, true)], Batches(afterCommit.Records));
    }

    [Theory]
    [MemberData(nameof(Versions), 2, 10)]
    public async Task ListOffsetsReadCommittedAnswersTheLastStableOffsetAtEveryVersion(short version)
    {
        var topic = $"t-txn-listoffsets-v{version}";
        await RawScenario.CreateTopicAsync(_client, topic);
        Assert.Equal(0, await RawScenario.AppendAsync(_client, topic, 0, new Fjord.Testing.Records.RecordBatchBuilder().Add("k", "a").Build()));
        var transactionalId = NewTransactionalId($"txn-listoffsets-v{version}");
        var (producerId, epoch) = await InitAsync(_client, transactionalId);
        await AddPartitionsOkAsync(_client, transactionalId, producerId, epoch, topic, 0);
        Assert.Equal(1, await ProduceOkAsync(_client, transactionalId, topic, 0, TransactionalBatch(producerId, epoch, 0, 4, "o")));

        async Task<long> LatestAsync(sbyte isolationLevel)
        {
            var request = new ListOffsetsRequest { ReplicaId = -1, IsolationLevel = isolationLevel };
            var t = new ListOffsetsRequest.ListOffsetsTopic { Name = topic };
            t.Partitions.Add(new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = 0, Timestamp = -1, CurrentLeaderEpoch = -1 });
            request.Topics.Add(t);
            var answer = Assert.Single(Assert.Single((await _client.SendAsync<ListOffsetsResponse>(request, version)).Topics).Partitions);
            Assert.Equal(0, answer.ErrorCode);
            return answer.Offset;
        }

        // KIP-98: read_committed consumers start at the LSO, the first offset of the open transaction.
        Assert.Equal(1, await LatestAsync(1));
        Assert.Equal(5, await LatestAsync(0));

        Assert.Equal(0, (await EndAsync(_client, transactionalId, producerId, epoch, commit: false)).ErrorCode);
        await WaitForStateAsync(_client, transactionalId, "CompleteAbort");
        Assert.Equal(6, await LatestAsync(1));
        Assert.Equal(6, await LatestAsync(0));
    }

    [Theory]
    [MemberData(nameof(Versions), 4, 17)]
    public async Task ReadCommittedFetchListsOnlyTheAbortedTransactionsOfTheFetchedRangeAtEveryVersion(short version)
    {
        var topic = $"t-txn-aborted-range-v{version}";
        var topicId = await RawScenario.CreateTopicAsync(_client, topic);
        var transactionalId = NewTransactionalId($"txn-aborted-range-v{version}");
        var (producerId, epoch) = await InitAsync(_client, transactionalId);

        // Offsets 0–2 aborted (marker 3), 4–5 plain, 6–7 aborted (marker 8), 9 plain.
        await AddPartitionsOkAsync(_client, transactionalId, producerId, epoch, topic, 0);
        Assert.Equal(0, await ProduceOkAsync(_client, transactionalId, topic, 0, TransactionalBatch(producerId, epoch, 0, 3, "r1")));
        Assert.Equal(0, (await EndAsync(_client, transactionalId, producerId, epoch, commit: false)).ErrorCode);
        await WaitForStateAsync(_client, transactionalId, "CompleteAbort");
        Assert.Equal(4, await RawScenario.AppendAsync(_client, topic, 0, new Fjord.Testing.Records.RecordBatchBuilder().Add("k", "p1").Add("k", "p2").Build()));
        await AddPartitionsOkAsync(_client, transactionalId, producerId, epoch, topic, 0);
        Assert.Equal(6, await ProduceOkAsync(_client, transactionalId, topic, 0, TransactionalBatch(producerId, epoch, 3, 2, "r2")));
        Assert.Equal(0, (await EndAsync(_client, transactionalId, producerId, epoch, commit: false)).ErrorCode);
        await WaitForStateAsync(_client, transactionalId, "CompleteAbort");
        Assert.Equal(9, await RawScenario.AppendAsync(_client, topic, 0, new Fjord.Testing.Records.RecordBatchBuilder().Add("k", "p3").Build()));

        // Kafka (LogSegment.collectAbortedTxns): the aborted transactions whose range overlaps [fetch offset, upper bound).
        var fromStart = await FetchAsync(_client, topic, topicId, 0, 0, isolationLevel: 1, version);
        Assert.Equal(10, fromStart.LastStableOffset);
        Assert.Equal([0L, 6L], (fromStart.AbortedTransactions ?? []).Select(a => a.FirstOffset).Order());
        Assert.All(fromStart.AbortedTransactions ?? [], a => Assert.Equal(producerId, a.ProducerId));

        var fromPlain = await FetchAsync(_client, topic, topicId, 0, 4, isolationLevel: 1, version);
        Assert.Equal([6L], (fromPlain.AbortedTransactions ?? []).Select(a => a.FirstOffset));
        Assert.Equal(4, Batches(fromPlain.Records)[0].Base);

        var fromInside = await FetchAsync(_client, topic, topicId, 0, 7, isolationLevel: 1, version);
        Assert.Equal([6L], (fromInside.AbortedTransactions ?? []).Select(a => a.FirstOffset));

        var pastAll = await FetchAsync(_client, topic, topicId, 0, 9, isolationLevel: 1, version);
        Assert.Empty(pastAll.AbortedTransactions ?? []);
        Assert.Equal([(9L, 9L, false)], Batches(pastAll.Records));

        // read_uncommitted never lists aborted transactions (Kafka sends null).
        var uncommitted = await FetchAsync(_client, topic, topicId, 0, 0, isolationLevel: 0, version);
        Assert.Empty(uncommitted.AbortedTransactions ?? []);
    }

    [Fact]
    public async Task InitProducerIdDuringAnOpenTransactionAbortsItAndFencesTheOldEpoch()
    {
        var topic = "t-txn-init-fences";
        var topicId = await RawScenario.CreateTopicAsync(_client, topic);
        var transactionalId = NewTransactionalId("txn-init-fences");
        var (producerId, oldEpoch) = await InitAsync(_client, transactionalId);
        await AddPartitionsOkAsync(_client, transactionalId, producerId, oldEpoch, topic, 0);
        Assert.Equal(0, await ProduceOkAsync(_client, transactionalId, topic, 0, TransactionalBatch(producerId, oldEpoch, 0, 3, "old")));

        // Kafka: a new instance aborts the open transaction at a bumped epoch; it gets CONCURRENT_TRANSACTIONS
        // (retriable) until the abort is complete, then its own epoch.
        InitProducerIdResponse? fresh = null;
        await Poll.UntilAsync(async () =>
        {
            fresh = await InitProducerIdAsync(_client, transactionalId);
            return fresh.ErrorCode != (short)ErrorCode.ConcurrentTransactions;
        }, TransactionDeadline, "InitProducerId to get past the abort of the open transaction");
        Assert.Equal(0, fresh!.ErrorCode);
        Assert.Equal(producerId, fresh.ProducerId);
        Assert.True(fresh.ProducerEpoch > oldEpoch, $"epoch {fresh.ProducerEpoch} after {oldEpoch}");

        // The new instance starts with no transaction open.
        var described = await DescribeTransactionAsync(_client, transactionalId);
        Assert.Equal("Empty", described.TransactionState);
        Assert.Equal(fresh.ProducerEpoch, described.ProducerEpoch);
        var fetched = await FetchAsync(_client, topic, topicId, 0, 0, isolationLevel: 1);
        Assert.Equal(4, fetched.LastStableOffset);
        Assert.Equal(0, Assert.Single(fetched.AbortedTransactions ?? []).FirstOffset);

        // The old instance is fenced everywhere.
        var stale = await AddPartitionsAsync(_client, AddPartitionsRequest(transactionalId, producerId, oldEpoch, topic, 0));
        Assert.Equal((short)ErrorCode.ProducerFenced, Assert.Single(stale).Value);
        var zombie = await ProduceAsync(_client, transactionalId, topic, 0, TransactionalBatch(producerId, oldEpoch, 3, 1, "old"));
        Assert.NotEqual(0, zombie.ErrorCode);
        Assert.Equal(4, RawScenario.LogEndOffset(Host, topic, 0));
    }

    [Theory]
    [MemberData(nameof(Versions), 4, 17)]
    public async Task ReadCommittedFetchBetweenTheLastStableOffsetAndTheHighWatermarkIsEmptyAtEveryVersion(short version)
    {
        var topic = $"t-txn-above-lso-v{version}";
        var topicId = await RawScenario.CreateTopicAsync(_client, topic);
        var transactionalId = NewTransactionalId($"txn-above-lso-v{version}");
        var (producerId, epoch) = await InitAsync(_client, transactionalId);
        await AddPartitionsOkAsync(_client, transactionalId, producerId, epoch, topic, 0);
        Assert.Equal(0, await ProduceOkAsync(_client, transactionalId, topic, 0, TransactionalBatch(producerId, epoch, 0, 3, "h")));

        // Kafka: an offset at or past the LSO but not past the high watermark is in range; read_committed just has
        // nothing to return there yet (no OFFSET_OUT_OF_RANGE, which would reset a consumer).
        foreach (var offset in new long[] { 0, 2, 3 })
        {
            var fetched = await FetchAsync(_client, topic, topicId, 0, offset, isolationLevel: 1, version);
            Assert.Equal(3, fetched.HighWatermark);
            Assert.Equal(0, fetched.LastStableOffset);
            Assert.Empty(Batches(fetched.Records));
        }
        Assert.Equal(0, (await EndAsync(_client, transactionalId, producerId, epoch, commit: false)).ErrorCode);
    }

    [Fact]
    public async Task OffsetsCommittedInAnAbortedTransactionNeverBecomeVisible()
    {
        await CoordinatorReadiness.WaitAsync(Host, TransactionDeadline);
        var topic = "t-txn-offsets-aborted";
        await RawScenario.CreateTopicAsync(_client, topic, partitions: 2);
        var group = GroupApiScenario.NewGroupId("g-txn-offsets-aborted");
        await GroupApiScenario.CommitAsync(_client, group, topic, (0, 7, "before"));
        var transactionalId = NewTransactionalId("txn-offsets-aborted");
        var (producerId, epoch) = await InitAsync(_client, transactionalId);

        var addOffsets = await _client.SendAsync<AddOffsetsToTxnResponse>(new AddOffsetsToTxnRequest
        {
            TransactionalId = transactionalId,
            ProducerId = producerId,
            ProducerEpoch = epoch,
            GroupId = group,
        }, 4);
        Assert.Equal(0, addOffsets.ErrorCode);
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
                    Name = topic,
                    Partitions = [new TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition { PartitionIndex = 0, CommittedOffset = 70 }],
                },
            ],
        };
        Assert.Equal(0, Assert.Single(Assert.Single((await _client.SendAsync<TxnOffsetCommitResponse>(commit, 4)).Topics).Partitions).ErrorCode);
        Assert.Equal((short)ErrorCode.UnstableOffsetCommit, (await StableOffsetFetchAsync(group, topic))[0].ErrorCode);
        Assert.Equal(7, await GroupApiScenario.CommittedOffsetAsync(_client, group, topic, 0));

        Assert.Equal(0, (await EndAsync(_client, transactionalId, producerId, epoch, commit: false)).ErrorCode);
        await WaitForStateAsync(_client, transactionalId, "CompleteAbort");
        // The ABORT marker drops the pending offsets: the old one stays and stable reads are no longer blocked.
        await Poll.UntilAsync(async () => (await StableOffsetFetchAsync(group, topic))[0].ErrorCode == 0, TransactionDeadline,
            "the aborted transaction's pending offsets to be dropped");
        var after = await StableOffsetFetchAsync(group, topic);
        Assert.Equal(7, after[0].CommittedOffset);
        Assert.Equal("before", after[0].Metadata);
    }
}

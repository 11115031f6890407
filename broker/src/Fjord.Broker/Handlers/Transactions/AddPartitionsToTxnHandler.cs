using Fjord.Broker.Network;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Transactions;

namespace Fjord.Broker.Handlers.Transactions;

/// <summary>
/// AddPartitionsToTxn 0–5. Clients (v0–3) add partitions to their open transaction; brokers (v4+) send
/// batches of transactions, also to verify (KIP-890 part 1) without adding. Partitions of unknown topics
/// fail alone with UNKNOWN_TOPIC_OR_PARTITION and the rest with OPERATION_NOT_ATTEMPTED, as in Kafka.
/// </summary>
public sealed class AddPartitionsToTxnHandler(MetadataCache metadata, TransactionCoordinator coordinator) : ApiHandler<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>
{
    public override ApiKey ApiKey => ApiKey.AddPartitionsToTxn;
    public override short MinVersion => 0;
    public override short MaxVersion => 5;

    protected override async ValueTask<AddPartitionsToTxnResponse?> HandleAsync(RequestContext request, AddPartitionsToTxnRequest body, CancellationToken ct)
    {
        var version = request.ApiVersion;
        var response = new AddPartitionsToTxnResponse();
        if (version < 4)
        {
            response.ResultsByTopicV3AndBelow = await AddAsync(body.V3AndBelowTransactionalId, body.V3AndBelowProducerId, body.V3AndBelowProducerEpoch,
                body.V3AndBelowTopics, verifyOnly: false, version, ct);
            return response;
        }

        foreach (var transaction in body.Transactions)
        {
            response.ResultsByTransaction.Add(new AddPartitionsToTxnResponse.AddPartitionsToTxnResult
            {
                TransactionalId = transaction.TransactionalId,
                TopicResults = await AddAsync(transaction.TransactionalId, transaction.ProducerId, transaction.ProducerEpoch, transaction.Topics,
                    transaction.VerifyOnly, version, ct),
            });
        }
        return response;
    }

    private async Task<List<AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult>> AddAsync(string transactionalId, long producerId, short producerEpoch,
        List<AddPartitionsToTxnRequest.AddPartitionsToTxnTopic> topics, bool verifyOnly, short version, CancellationToken ct)
    {
        var snapshot = metadata.Current;
        var wanted = topics.SelectMany(t => t.Partitions.Select(p => (t.Name, Partition: p))).ToList();
        var unknown = wanted.Where(p => !Exists(snapshot, p.Name, p.Partition)).ToHashSet();
        IReadOnlyDictionary<(string, int), ErrorCode> errors;
        if (unknown.Count > 0)
        {
            errors = wanted.ToDictionary(p => p, p => unknown.Contains(p) ? ErrorCode.UnknownTopicOrPartition : ErrorCode.OperationNotAttempted);
        }
        else
        {
            var results = await coordinator.AddPartitionsAsync(transactionalId, producerId, producerEpoch, wanted, verifyOnly, ct);
            errors = results.ToDictionary(r => (r.Topic, r.Partition), r => TransactionErrors.ForVersion(r.Error, version, producerFencedSince: 2, abortableSince: 5));
        }

        var topicResults = new List<AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult>();
        foreach (var topic in topics)
        {
            var topicResult = new AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult { Name = topic.Name };
            foreach (var partition in topic.Partitions)
                topicResult.ResultsByPartition.Add(new AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult
                {
                    PartitionIndex = partition,
                    PartitionErrorCode = (short)errors.GetValueOrDefault((topic.Name, partition), ErrorCode.UnknownServerError),
                });
            topicResults.Add(topicResult);
        }
        return topicResults;
    }

    private static bool Exists(MetadataSnapshot snapshot, string topic, int partition) =>
        !TopicNames.IsInternal(topic) && snapshot.TopicsByName.TryGetValue(topic, out var metadata) && partition >= 0 && partition < metadata.PartitionCount;
}

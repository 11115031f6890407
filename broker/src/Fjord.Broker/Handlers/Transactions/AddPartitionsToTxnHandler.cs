using Fjord.Broker.Network;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Transactions;

namespace Fjord.Broker.Handlers.Transactions;

/// <summary>
/// AddPartitionsToTxn 0–5. Clients (v0–3) add partitions to their open transaction; brokers (v4+) send
/// batches of transactions, also to verify (KIP-890 part 1) without adding. Partitions of unknown topics
/// fail alone with UNKNOWN_TOPIC_OR_PARTITION and the rest with OPERATION_NOT_ATTEMPTED, as in Kafka.
/// Authorized as Kafka's handleAddPartitionsToTxnRequest: a client (v0–3) needs Write on the transactional id
/// (else every partition TRANSACTIONAL_ID_AUTHORIZATION_FAILED) and Write on each topic (its partitions
/// TOPIC_AUTHORIZATION_FAILED, the rest OPERATION_NOT_ATTEMPTED); the broker-to-broker batches (v4+) need
/// ClusterAction on the cluster (else the top-level CLUSTER_AUTHORIZATION_FAILED).
/// </summary>
public sealed class AddPartitionsToTxnHandler(MetadataCache metadata, TransactionCoordinator coordinator, IAuthorizer authorizer) : ApiHandler<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>
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
            response.ResultsByTopicV3AndBelow = authorizer.AuthorizeTransactionalId(request, AclOperation.Write, body.V3AndBelowTransactionalId)
                ? await AddAsync(request, body.V3AndBelowTransactionalId, body.V3AndBelowProducerId, body.V3AndBelowProducerEpoch, body.V3AndBelowTopics,
                    verifyOnly: false, version, ct)
                : Refused(body.V3AndBelowTopics, ErrorCode.TransactionalIdAuthorizationFailed);
            return response;
        }
        if (!authorizer.AuthorizeCluster(request, AclOperation.ClusterAction))
        {
            response.ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed;
            return response;
        }

        foreach (var transaction in body.Transactions)
        {
            response.ResultsByTransaction.Add(new AddPartitionsToTxnResponse.AddPartitionsToTxnResult
            {
                TransactionalId = transaction.TransactionalId,
                TopicResults = await AddAsync(request, transaction.TransactionalId, transaction.ProducerId, transaction.ProducerEpoch, transaction.Topics,
                    transaction.VerifyOnly, version, ct),
            });
        }
        return response;
    }

    private async Task<List<AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult>> AddAsync(RequestContext request, string transactionalId, long producerId,
        short producerEpoch, List<AddPartitionsToTxnRequest.AddPartitionsToTxnTopic> topics, bool verifyOnly, short version, CancellationToken ct)
    {
        var snapshot = metadata.Current;
        var wanted = topics.SelectMany(t => t.Partitions.Select(p => (t.Name, Partition: p))).ToList();
        // Only clients (v0–3) are asked for Write on each topic: the brokers' batches passed ClusterAction.
        var denied = version < 4
            ? topics.Select(t => t.Name).Where(name => !authorizer.AuthorizeTopic(request, AclOperation.Write, name)).ToHashSet(StringComparer.Ordinal)
            : [];
        var unknown = wanted.Where(p => !denied.Contains(p.Name) && !Exists(snapshot, p.Name, p.Partition)).ToHashSet();
        IReadOnlyDictionary<(string, int), ErrorCode> errors;
        if (unknown.Count > 0 || denied.Count > 0)
        {
            errors = wanted.Distinct().ToDictionary(p => p, p => denied.Contains(p.Name) ? ErrorCode.TopicAuthorizationFailed
                : unknown.Contains(p) ? ErrorCode.UnknownTopicOrPartition : ErrorCode.OperationNotAttempted);
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

    /// <summary>Kafka's error response before v4: every requested partition carries the error.</summary>
    private static List<AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult> Refused(List<AddPartitionsToTxnRequest.AddPartitionsToTxnTopic> topics, ErrorCode error)
    {
        var results = new List<AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult>();
        foreach (var topic in topics)
        {
            var topicResult = new AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult { Name = topic.Name };
            foreach (var partition in topic.Partitions)
                topicResult.ResultsByPartition.Add(new AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult { PartitionIndex = partition, PartitionErrorCode = (short)error });
            results.Add(topicResult);
        }
        return results;
    }

    private static bool Exists(MetadataSnapshot snapshot, string topic, int partition) =>
        !TopicNames.IsInternal(topic) && snapshot.TopicsByName.TryGetValue(topic, out var metadata) && partition >= 0 && partition < metadata.PartitionCount;
}

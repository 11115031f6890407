using System.Runtime.InteropServices;
using Fjord.Broker.Network;
using Fjord.Broker.Partitions;
using Fjord.Broker.Produce;
using Fjord.Broker.Replicas;
using Fjord.Broker.Tenancy.Storage;
using Fjord.Broker.Transactions;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers;

/// <summary>
/// Produce 3–11: the replica manager appends each partition's batches on its leader and answers
/// acks=1 after the local append, acks=all once committed; acks=0 gets no response. A transactional
/// producer's first batch at a partition is verified first (KIP-890 part 1): the partition must be in its
/// open transaction, else TRANSACTION_ABORTABLE (INVALID_TXN_STATE before v11). Authorized as Kafka's
/// handleProduceRequest: transactional records need Write on the transactional id (else the whole request
/// fails TRANSACTIONAL_ID_AUTHORIZATION_FAILED), every topic needs Write (else TOPIC_AUTHORIZATION_FAILED,
/// decided before the topic is looked up, so a denied name never says whether it exists).
/// A tenant at its retained-bytes limit has its topics' partitions refused POLICY_VIOLATION (<see cref="TenantStorageUsage"/>).
/// </summary>
public sealed class ProduceHandler(MetadataCache metadata, ReplicaManager replicas, TransactionVerifier verifier, IAuthorizer authorizer,
    TenantStorageUsage? storage = null)
    : ApiHandler<ProduceRequest, ProduceResponse>
{
    public override ApiKey ApiKey => ApiKey.Produce;
    public override short MinVersion => 3;
    public override short MaxVersion => 11;

    protected override async ValueTask<ProduceResponse?> HandleAsync(RequestContext request, ProduceRequest body, CancellationToken ct)
    {
        var snapshot = metadata.Current;
        var partitions = new List<ProducePartitionRequest>();
        foreach (var topic in body.TopicData)
        {
            // Once per topic, not per partition; a denied topic is never looked up.
            var denied = !authorizer.AuthorizeTopic(request, AclOperation.Write, topic.Name);
            TopicMetadata? metadata = null;
            if (!denied) snapshot.TopicsByName.TryGetValue(topic.Name, out metadata);
            var refusal = denied ? TopicDenied : storage?.RefusalFor(topic.Name);
            // The records are a slice of this connection's own receive buffer: the append stamps them in place.
            foreach (var partition in topic.PartitionData)
            {
                var entry = new ProducePartitionRequest(metadata, topic.Name, partition.Index, MemoryMarshal.AsMemory(partition.Records ?? ReadOnlyMemory<byte>.Empty));
                partitions.Add(refusal is null ? entry : entry with { Rejection = refusal });
            }
        }
        if (body.TransactionalId is { } transactionalId)
        {
            if (AnyTransactional(partitions) && !authorizer.AuthorizeTransactionalId(request, AclOperation.Write, transactionalId))
                RejectAll(partitions, ErrorCode.TransactionalIdAuthorizationFailed, $"Not authorized to write as transactional id {transactionalId}");
            else
                await VerifyTransactionsAsync(transactionalId, partitions, request.ApiVersion, ct);
        }
        else if (AnyTransactional(partitions))
        {
            RejectAll(partitions, ErrorCode.TransactionalIdAuthorizationFailed, "Transactional records need the producer's transactional id in the request");
        }
        var results = await replicas.AppendRecordsAsync(body.Acks, body.TimeoutMs, partitions, ct);
        if (body.Acks == 0)
        {
            // No response can carry the error, so Kafka closes the connection: the producer
            // notices, refreshes its metadata and reconnects.
            request.CloseConnection = results.Any(r => r.Error != ErrorCode.None);
            return null;
        }
        return BuildResponse(body, results);
    }

    private static readonly ProduceRejection TopicDenied = new(ErrorCode.TopicAuthorizationFailed, null);

    /// <summary>
    /// Kafka (KafkaApis.handleProduceRequest) fails the whole request when it carries transactional records
    /// without a transactional id: unverified, such a batch could open a transaction no coordinator knows,
    /// holding the last stable offset for good.
    /// </summary>
    private static bool AnyTransactional(List<ProducePartitionRequest> partitions)
    {
        foreach (var partition in partitions)
            if (ReplicaManager.TransactionalProducerOf(partition.Records.Span) is not null) return true;
        return false;
    }

    private static void RejectAll(List<ProducePartitionRequest> partitions, ErrorCode error, string message)
    {
        for (var i = 0; i < partitions.Count; i++)
            partitions[i] = partitions[i] with { Rejection = new ProduceRejection(error, message) };
    }

    private async ValueTask VerifyTransactionsAsync(string transactionalId, List<ProducePartitionRequest> partitions, short version, CancellationToken ct)
    {
        // The partitions whose first batch opens its producer's transaction here (one producer per request
        // from a real client; grouped anyway, so a forged mix is checked producer by producer).
        List<(int Index, (long ProducerId, short ProducerEpoch) Producer)>? unverified = null;
        for (var i = 0; i < partitions.Count; i++)
        {
            var partition = partitions[i];
            if (partition.Rejection is not null) continue;
            if (ReplicaManager.TransactionalProducerOf(partition.Records.Span) is not { } producer
                || replicas.HasOpenTransaction(partition.Topic, partition.Partition, producer.ProducerId, producer.ProducerEpoch) != false)
                continue;
            // Begun before the state is read: a marker written after the read but before the append
            // drops the guard, and the append then refuses rather than open a transaction nobody ends.
            partitions[i] = partition with { VerificationGuard = replicas.BeginTransactionVerification(partition.Topic, partition.Partition, producer.ProducerId) };
            (unverified ??= []).Add((i, producer));
        }
        if (unverified is null) return;

        foreach (var group in unverified.GroupBy(u => u.Producer))
        {
            var indexes = group.Select(u => u.Index).ToList();
            var (producerId, producerEpoch) = group.Key;
            var errors = await verifier.VerifyAsync(transactionalId, producerId, producerEpoch,
                [.. indexes.Select(i => (partitions[i].TopicName, partitions[i].Partition))], ct);
            for (var j = 0; j < errors.Length; j++)
            {
                if (errors[j] == ErrorCode.None) continue;
                var error = errors[j] switch
                {
                    // Kafka's answer when the coordinator cannot be asked: one the producer retries.
                    ErrorCode.CoordinatorNotAvailable => ErrorCode.NotEnoughReplicas,
                    ErrorCode.TransactionAbortable when version < 11 => ErrorCode.InvalidTxnState,
                    var other => other,
                };
                var partition = partitions[indexes[j]];
                partitions[indexes[j]] = partition with
                {
                    Rejection = new ProduceRejection(error, $"Partition {partition.TopicName}-{partition.Partition} is not part of an open transaction of {transactionalId} at producer {producerId} epoch {producerEpoch}"),
                };
            }
        }
    }

    private static ProduceResponse BuildResponse(ProduceRequest body, ProducePartitionResult[] results)
    {
        var response = new ProduceResponse();
        var i = 0;
        foreach (var topic in body.TopicData)
        {
            var topicResponse = new ProduceResponse.TopicProduceResponse { Name = topic.Name };
            response.Responses.Add(topicResponse);
            foreach (var partition in topic.PartitionData)
            {
                var result = results[i++];
                topicResponse.PartitionResponses.Add(new ProduceResponse.PartitionProduceResponse
                {
                    Index = partition.Index,
                    ErrorCode = (short)result.Error,
                    ErrorMessage = result.ErrorMessage,
                    BaseOffset = result.BaseOffset,
                    LogAppendTimeMs = result.LogAppendTime,
                    LogStartOffset = result.LogStartOffset,
                });
            }
        }
        return response;
    }
}

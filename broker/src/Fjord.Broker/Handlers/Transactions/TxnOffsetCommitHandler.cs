using Fjord.Broker.Network;
using Fjord.Broker.Transactions;
using Fjord.Cluster;
using Fjord.Groups;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers.Transactions;

/// <summary>
/// TxnOffsetCommit 0–4 at the group coordinator: the offsets of a consume-transform-produce transaction,
/// stored as pending and made visible by the transaction's COMMIT marker (KIP-98). The producer must have
/// added the group's offsets partition to its open transaction (AddOffsetsToTxn); v3+ also carry the
/// consumer's member id, instance id and generation, which are checked as for OffsetCommit (KIP-447).
/// Authorized as Kafka's handleTxnOffsetCommitRequest: Write on the transactional id, then Read on the group
/// (either failing every partition), then Read on each topic (TOPIC_AUTHORIZATION_FAILED, decided before the
/// topic is looked up).
/// </summary>
public sealed class TxnOffsetCommitHandler(MetadataCache metadata, GroupCoordinator groups, GroupCoordinatorLocator locator, TransactionVerifier verifier,
    IAuthorizer authorizer)
    : ApiHandler<TxnOffsetCommitRequest, TxnOffsetCommitResponse>
{
    public override ApiKey ApiKey => ApiKey.TxnOffsetCommit;
    public override short MinVersion => 0;
    public override short MaxVersion => 4;

    protected override async ValueTask<TxnOffsetCommitResponse?> HandleAsync(RequestContext request, TxnOffsetCommitRequest body, CancellationToken ct)
    {
        var version = request.ApiVersion;
        var snapshot = metadata.Current;
        var response = new TxnOffsetCommitResponse();
        var entries = new List<OffsetCommitEntry>();
        var results = new Dictionary<(string, int), TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition>();
        var refused = !authorizer.AuthorizeTransactionalId(request, AclOperation.Write, body.TransactionalId) ? ErrorCode.TransactionalIdAuthorizationFailed
            : !authorizer.AuthorizeGroup(request, AclOperation.Read, body.GroupId) ? ErrorCode.GroupAuthorizationFailed : ErrorCode.None;
        foreach (var topic in body.Topics)
        {
            var topicResponse = new TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic { Name = topic.Name };
            response.Topics.Add(topicResponse);
            var denied = refused != ErrorCode.None ? refused
                : !authorizer.AuthorizeTopic(request, AclOperation.Read, topic.Name) ? ErrorCode.TopicAuthorizationFailed : ErrorCode.None;
            TopicMetadata? known = null;
            if (denied == ErrorCode.None) snapshot.TopicsByName.TryGetValue(topic.Name, out known);
            foreach (var partition in topic.Partitions)
            {
                var result = new TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition { PartitionIndex = partition.PartitionIndex };
                topicResponse.Partitions.Add(result);
                if (denied != ErrorCode.None)
                {
                    result.ErrorCode = (short)denied;
                    continue;
                }
                if (known is null || partition.PartitionIndex < 0 || partition.PartitionIndex >= known.PartitionCount)
                {
                    result.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                    continue;
                }
                results[(topic.Name, partition.PartitionIndex)] = result;
                entries.Add(new OffsetCommitEntry(topic.Name, partition.PartitionIndex, partition.CommittedOffset,
                    version >= 2 ? partition.CommittedLeaderEpoch : -1, partition.CommittedMetadata));
            }
        }
        if (entries.Count == 0) return response;
        if (string.IsNullOrEmpty(body.TransactionalId))
        {
            foreach (var result in results.Values) result.ErrorCode = (short)ErrorCode.InvalidRequest;
            return response;
        }

        var offsetsPartition = locator.PartitionFor(body.GroupId);
        async ValueTask<ErrorCode> VerifyAsync(CancellationToken token) =>
            TransactionErrors.ForVersion(
                await verifier.VerifyAsync(body.TransactionalId, body.ProducerId, body.ProducerEpoch, TopicNames.ConsumerOffsets, offsetsPartition, token),
                version, producerFencedSince: short.MaxValue, abortableSince: 4);
        var committed = await groups.CommitTransactionalOffsetsAsync(body.GroupId, offsetsPartition, body.ProducerId,
            version >= 3 ? body.GenerationId : -1, version >= 3 ? body.MemberId : "", version >= 3 ? body.GroupInstanceId : null, entries, VerifyAsync, ct);
        foreach (var partition in committed.Partitions)
            if (results.TryGetValue((partition.Topic, partition.Partition), out var result))
                result.ErrorCode = (short)partition.Error;
        return response;
    }
}

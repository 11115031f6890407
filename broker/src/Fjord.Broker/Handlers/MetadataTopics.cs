using Fjord.Broker.Configuration;
using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers;

/// <summary>
/// A topic and its partitions as a Metadata response shows them to a client on one listener: each
/// partition as the controller last placed it, its leader only if the client can reach it there.
/// </summary>
public sealed class MetadataTopics(ClusterBrokers brokers)
{
    /// <summary>Kafka's "omitted" value: the handler sets the real set when the request asks for it (KIP-430).</summary>
    private const int OmittedAuthorizedOperations = int.MinValue;

    public MetadataResponse.MetadataResponseTopic Describe(TopicMetadata topic, MetadataSnapshot snapshot, ListenerEndpoint listener)
    {
        var result = new MetadataResponse.MetadataResponseTopic
        {
            Name = topic.Name,
            TopicId = topic.TopicId,
            IsInternal = TopicNames.IsInternal(topic.Name),
            TopicAuthorizedOperations = OmittedAuthorizedOperations,
        };
        for (var p = 0; p < topic.PartitionCount; p++)
            result.Partitions.Add(Describe(p, snapshot.PartitionStateOf(topic.Name, p), snapshot, listener));
        return result;
    }

    public static MetadataResponse.MetadataResponseTopic Error(ErrorCode error, string? name, Guid topicId) => new()
    {
        ErrorCode = (short)error,
        Name = name,
        TopicId = topicId,
        TopicAuthorizedOperations = OmittedAuthorizedOperations,
    };

    /// <summary>
    /// No state yet (just created) or no leader is LEADER_NOT_AVAILABLE, as is a leader the client cannot
    /// reach on its listener (Kafka's answer, so the client retries rather than dial a broker it was not told about).
    /// </summary>
    private MetadataResponse.MetadataResponsePartition Describe(int partition, PartitionState? state, MetadataSnapshot snapshot, ListenerEndpoint listener)
    {
        if (state is null)
            return new MetadataResponse.MetadataResponsePartition
            {
                ErrorCode = (short)ErrorCode.LeaderNotAvailable,
                PartitionIndex = partition,
                LeaderId = PartitionState.NoLeader,
            };
        var leaderReachable = state.Leader != PartitionState.NoLeader && brokers.Find(snapshot, state.Leader, listener) is not null;
        return new MetadataResponse.MetadataResponsePartition
        {
            ErrorCode = (short)(leaderReachable ? ErrorCode.None : ErrorCode.LeaderNotAvailable),
            PartitionIndex = partition,
            LeaderId = leaderReachable ? state.Leader : PartitionState.NoLeader,
            LeaderEpoch = state.LeaderEpoch,
            ReplicaNodes = [.. state.Replicas],
            IsrNodes = [.. state.Isr],
            OfflineReplicas = [.. state.Replicas.Where(r => r != brokers.NodeId && !snapshot.BrokersById.ContainsKey(r))],
        };
    }
}

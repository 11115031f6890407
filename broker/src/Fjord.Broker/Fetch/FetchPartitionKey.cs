namespace Fjord.Broker.Fetch;

/// <summary>A partition as a fetch request names it: by topic id from Fetch v13, by name before.</summary>
public readonly record struct FetchPartitionKey(string Topic, Guid TopicId, int Partition);

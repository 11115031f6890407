using Fjord.Protocol;

namespace Fjord.Broker.Groups;

/// <summary>An OffsetFetch answer for one group.</summary>
public sealed record OffsetFetchResult(ErrorCode Error, IReadOnlyList<FetchedOffset> Partitions);

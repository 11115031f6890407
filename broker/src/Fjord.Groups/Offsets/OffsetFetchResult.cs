using Fjord.Protocol;

namespace Fjord.Groups;

/// <summary>An OffsetFetch answer for one group.</summary>
public sealed record OffsetFetchResult(ErrorCode Error, IReadOnlyList<FetchedOffset> Partitions);

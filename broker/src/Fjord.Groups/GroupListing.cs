namespace Fjord.Groups;

/// <summary>One ListGroups entry. <see cref="GroupType"/> is always "classic" (KIP-848 groups are not served).</summary>
public sealed record GroupListing(string GroupId, string ProtocolType, GroupState State, string GroupType);

using Azure;

namespace Fjord.Security.Storage;

/// <summary>A versioned table's version as read, with the ETag a write must match (none before the first write).</summary>
public readonly record struct TableVersion(long Version, ETag? ETag);

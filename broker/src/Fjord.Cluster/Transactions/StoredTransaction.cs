namespace Fjord.Cluster;

/// <summary>A transactional id's metadata as stored, with the version (the Table ETag) a later compare-and-swap must name.</summary>
public sealed record StoredTransaction(TransactionMetadata Metadata, string ETag);

namespace Fjord.Transactions;

/// <summary>One transactional id as ListTransactions sends it.</summary>
public sealed record TransactionListing(string TransactionalId, long ProducerId, string State);

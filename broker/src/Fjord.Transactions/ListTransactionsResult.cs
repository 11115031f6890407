using Fjord.Protocol;

namespace Fjord.Transactions;

/// <summary>ListTransactions' answer: COORDINATOR_LOAD_IN_PROGRESS (and nothing listed) while any owned partition is loading.</summary>
public sealed record ListTransactionsResult(ErrorCode Error, IReadOnlyList<TransactionListing> Transactions);

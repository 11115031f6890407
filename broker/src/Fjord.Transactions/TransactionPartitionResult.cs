using Fjord.Protocol;

namespace Fjord.Transactions;

/// <summary>
/// AddPartitionsToTxn's answer for one partition. <see cref="ErrorCode.ProducerFenced"/> is returned for a
/// stale epoch whatever the version: requests older than v2 must send INVALID_PRODUCER_EPOCH instead, and
/// verification (v4) answers <see cref="ErrorCode.TransactionAbortable"/> for a partition not in the
/// transaction, which v4 (before KIP-890's v5) sends as INVALID_TXN_STATE; both mappings are the handler's.
/// </summary>
public readonly record struct TransactionPartitionResult(string Topic, int Partition, ErrorCode Error);

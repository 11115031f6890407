namespace Fjord.Log;

/// <summary>
/// One entry of a fetch response's AbortedTransactions: a read_committed consumer drops the producer's
/// records from <see cref="FirstOffset"/> until it meets the producer's abort marker.
/// </summary>
public readonly record struct AbortedTransaction(long ProducerId, long FirstOffset);

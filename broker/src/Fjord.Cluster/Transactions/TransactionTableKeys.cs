using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Fjord.Cluster;

/// <summary>
/// Keys of the transactions table. The partition key is the <c>__transaction_state</c> partition
/// (fixed width, so the keys sort numerically); the row key is the transactional id escaped as
/// <see cref="TableKeys"/> escapes names (row keys forbid / \ # ? and control characters). An id whose
/// escape would not fit a key is keyed by a hash; the id itself is always kept in a column and checked on read.
/// </summary>
internal static class TransactionTableKeys
{
    /// <summary>Escapes are '~' plus four upper-case hex digits, so "~h" never starts an escaped id.</summary>
    private const string HashedPrefix = "~h";

    public static string Partition(int coordinatorPartition) => coordinatorPartition.ToString("D10", CultureInfo.InvariantCulture);

    public static string Row(string transactionalId)
    {
        if (TableKeys.TryEncode(transactionalId, out var encoded))
            return encoded;
        // Hash the UTF-16 units, not UTF-8, so ids differing only in lone surrogates stay apart.
        var hash = SHA256.HashData(MemoryMarshal.AsBytes(transactionalId.AsSpan()));
        return HashedPrefix + Convert.ToHexString(hash);
    }
}

namespace Fjord.Log.Segments;

/// <summary>A key an index's entries ascend by, for <see cref="SparseIndex{TEntry}.LastAtOrBelow{TKey}"/>.</summary>
internal interface IIndexKey<TEntry>
{
    static abstract long Of(TEntry entry);
}

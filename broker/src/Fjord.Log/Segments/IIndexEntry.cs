namespace Fjord.Log.Segments;

/// <summary>One fixed-size entry of a <see cref="SparseIndex{TEntry}"/> and its on-disk form.</summary>
internal interface IIndexEntry<TSelf>
    where TSelf : struct, IIndexEntry<TSelf>
{
    static abstract int Size { get; }

    static abstract TSelf Read(ReadOnlySpan<byte> source);

    void Write(Span<byte> destination);

    /// <summary>True when this entry may come after <paramref name="previous"/>: the index's keys strictly grow.</summary>
    bool Follows(TSelf previous);
}

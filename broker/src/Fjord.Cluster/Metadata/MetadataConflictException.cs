namespace Fjord.Cluster;

/// <summary>
/// An optimistic write lost its compare-and-swap more times than the bounded retry allows: the
/// metadata is under heavier contention than it is designed for. Safe to retry later.
/// </summary>
public sealed class MetadataConflictException : Exception
{
    public MetadataConflictException()
    {
    }

    public MetadataConflictException(string message)
        : base(message)
    {
    }

    public MetadataConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

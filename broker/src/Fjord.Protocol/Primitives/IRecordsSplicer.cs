namespace Fjord.Protocol;

/// <summary>An output that can carry a file region in place of bytes (a response buffer sent by a transport).</summary>
public interface IRecordsSplicer
{
    /// <summary>Places <paramref name="records"/> at the current position; the splicer keeps a reference until sent.</summary>
    void Splice(FileRecords records);
}

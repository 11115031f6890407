namespace Fjord.Log.Records;

/// <summary>The type field of a control record's key (implementation.html, "Control Batches").</summary>
public enum ControlRecordType : short
{
    Abort = 0,
    Commit = 1,
}

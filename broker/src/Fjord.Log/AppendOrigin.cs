namespace Fjord.Log;

/// <summary>Who a leader appends for (Kafka's AppendOrigin): only a client's batches are checked against producer state.</summary>
public enum AppendOrigin
{
    /// <summary>A producer's Produce request: sequences, epochs and duplicates are checked; control batches are refused.</summary>
    Client,

    /// <summary>
    /// The broker's own coordinators: written without sequence checks. Transaction markers among them are
    /// checked against the producer's epoch and the coordinator epoch of its last marker.
    /// </summary>
    Coordinator,
}

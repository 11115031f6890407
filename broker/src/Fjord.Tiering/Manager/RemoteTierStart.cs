using Fjord.Log.Checkpoints;

namespace Fjord.Tiering;

/// <summary>
/// Where a replica with no local history of a tiered partition starts (Kafka's remote log
/// auxiliary state): the remote tier holds [<paramref name="LogStartOffset"/>,
/// <paramref name="LocalStartOffset"/>), so the local log begins at the first offset not uploaded
/// and keeps the uploaded part's leader epochs. Copying less than that from the leader is the point:
/// a replaced broker fetches only the hot tail. <paramref name="LastSegment"/> is the uploaded segment that
/// ends the tier: its producer snapshot is the replica's producer state.
/// </summary>
public sealed record RemoteTierStart(long LogStartOffset, long LocalStartOffset, IReadOnlyList<EpochEntry> Epochs, RemoteSegmentMetadata? LastSegment = null)
{
    /// <summary>From a partition's manifest entries; null when nothing is uploaded (the replica starts from scratch).</summary>
    public static RemoteTierStart? From(IReadOnlyList<RemoteSegmentMetadata> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var finished = entries.Where(e => e.State == RemoteSegmentState.CopyFinished).OrderBy(e => e.BaseOffset).ToList();
        if (finished.Count == 0)
        {
            return null;
        }

        var epochs = new List<EpochEntry>();
        foreach (var entry in finished)
        {
            foreach (var epoch in entry.LeaderEpochs)
            {
                // Each entry repeats the epoch in force at its base offset; only a newer epoch starts a new range.
                if (epochs.Count == 0 || epoch.Epoch > epochs[^1].Epoch)
                {
                    epochs.Add(epoch);
                }
            }
        }

        var last = finished.MaxBy(e => e.EndOffset)!;
        return new RemoteTierStart(finished[0].BaseOffset, last.EndOffset + 1, epochs, last);
    }
}

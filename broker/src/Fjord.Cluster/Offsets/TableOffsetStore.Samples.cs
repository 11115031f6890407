using System.Collections.Concurrent;

namespace Fjord.Cluster;

public sealed partial class TableOffsetStore
{
    /// <summary>Samples kept per group partition: with <see cref="CommitSampleSpacingMs"/> about three minutes of commits, thinned beyond.</summary>
    public const int CommitSampleCapacity = 16;

    /// <summary>Commits closer together than this replace the newest sample instead of adding one (auto-commit runs every 5 s).</summary>
    public const long CommitSampleSpacingMs = 10_000;

    /// <summary>Bounds the memory of the histories (about 300 bytes each); past it they all restart, which only costs rate accuracy for a while.</summary>
    private const int MaxTrackedHistories = 200_000;

    // The coordinator owning a group is the only writer of its offsets, so the history of what this process wrote is
    // the row's history; reading the row back before every commit would double the cost of OffsetCommit. A group that
    // moves to another coordinator starts a new history there.
    private readonly ConcurrentDictionary<string, SampleHistory> _commitSamples = new(StringComparer.Ordinal);

    private byte[] CommitSamples(string partitionKey, string rowKey, CommittedOffset offset)
    {
        if (_commitSamples.Count >= MaxTrackedHistories) _commitSamples.Clear();
        var history = _commitSamples.GetOrAdd(partitionKey + "/" + rowKey, _ => new SampleHistory(CommitSampleCapacity, CommitSampleSpacingMs));
        lock (history)
        {
            history.Add(offset.CommitTime.ToUnixTimeMilliseconds(), offset.Offset);
            return history.Encode();
        }
    }

    private void ForgetSamples(string partitionKey, List<string> rowKeys)
    {
        foreach (var rowKey in rowKeys)
            _commitSamples.TryRemove(partitionKey + "/" + rowKey, out _);
    }
}

namespace Fjord.Log.Checkpoints;

/// <summary>One line of the leader-epoch-checkpoint: the first offset written under a leader epoch.</summary>
public readonly record struct EpochEntry(int Epoch, long StartOffset);

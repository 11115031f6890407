namespace Fjord.Log.Records;

/// <summary>What validation learned about a produce payload, so the append path need not re-derive it.</summary>
public readonly record struct PayloadSummary(int BatchCount, int RecordCount, int SizeInBytes);

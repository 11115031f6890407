namespace Fjord.Broker.Tests.Cluster;

/// <summary>One record read from a replica's segment files: its absolute offset and value.</summary>
public sealed record LogRecord(long Offset, byte[]? Value);

namespace Fjord.Perf.Cluster;

/// <summary>The bootstrap server did not answer in time; the tool exits non-zero with this message.</summary>
internal sealed class BrokerUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

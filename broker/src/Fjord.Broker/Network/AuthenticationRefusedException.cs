namespace Fjord.Broker.Network;

/// <summary>A connection whose identity was established but is not admitted (its tenant is suspended, say).</summary>
public sealed class AuthenticationRefusedException(string message) : Exception(message);

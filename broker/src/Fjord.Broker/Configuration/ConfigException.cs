namespace Fjord.Broker.Configuration;

/// <summary>A configuration value the broker cannot start with; the message names the property.</summary>
public sealed class ConfigException(string message) : Exception(message);

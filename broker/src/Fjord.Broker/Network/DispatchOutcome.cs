namespace Fjord.Broker.Network;

public enum DispatchOutcome
{
    Continue,
    /// <summary>The request could not be trusted (malformed, unknown API, unsupported version).</summary>
    CloseConnection,
    /// <summary>Send the response, then close (a failed authentication, a SASL request out of order).</summary>
    CloseAfterResponse,
}

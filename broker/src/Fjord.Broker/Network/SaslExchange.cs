using Fjord.Security.Authentication;

namespace Fjord.Broker.Network;

/// <summary>
/// One step of a connection's SASL exchange, shared by SaslAuthenticate and the bare tokens of SaslHandshake
/// v0: feeds the client's token to the mechanism, and on completion makes the principal the session's and
/// fixes how long the session lives (KIP-368: connections.max.reauth.ms, capped by the credential's expiry).
/// </summary>
public static class SaslExchange
{
    /// <summary>What to answer: the server's token, or a failure whose message the client may see; and the session lifetime once complete.</summary>
    public readonly record struct Outcome(byte[] Challenge, string? Error, long SessionLifetimeMs);

    public static async ValueTask<Outcome> StepAsync(ClientSession session, ReadOnlyMemory<byte> token, TimeProvider time, CancellationToken ct)
    {
        var sasl = session.Sasl;
        if (sasl.Server is not { } server) return new Outcome([], "SaslAuthenticate request received before a SaslHandshake chose a mechanism", 0);
        SaslStep step;
        try
        {
            step = await server.EvaluateAsync(token, ct);
        }
        catch (SaslAuthenticationException e)
        {
            sasl.Server = null;
            return new Outcome([], e.Message, 0);
        }
        if (!step.IsComplete) return new Outcome(step.Challenge, null, 0);

        sasl.Server = null;
        var principal = step.Principal ?? throw new InvalidOperationException($"{server.Mechanism} completed without a principal");
        // KIP-368: a re-authentication proves the same identity again; it cannot become someone else.
        if (sasl.Authenticated && principal != session.Principal)
            return new Outcome([], "Authentication failed: a re-authentication must be for the principal the connection authenticated as", 0);
        var now = time.GetUtcNow();
        DateTimeOffset? expiresAt = session.Security.ConnectionsMaxReauthMs > 0 ? now.AddMilliseconds(session.Security.ConnectionsMaxReauthMs) : null;
        if (step.CredentialExpiresAt is { } credentialExpiry && (expiresAt is null || credentialExpiry < expiresAt)) expiresAt = credentialExpiry;
        if (expiresAt <= now) return new Outcome([], "Authentication failed: the credential has expired", 0);

        if (session.Security.Tenants is { } tenants)
        {
            var admission = tenants.Admit(principal, reauthenticating: sasl.Authenticated);
            if (!admission.Admitted) return new Outcome([], admission.Refusal, 0);
            principal = admission.Principal;
            session.Tenant = admission.Tenant;
        }
        session.Principal = principal;
        sasl.Mechanism = server.Mechanism;
        sasl.Authenticated = true;
        sasl.ExpiresAt = expiresAt;
        sasl.Stage = SaslStage.Complete;
        var lifetimeMs = expiresAt is { } end ? Math.Max(1, (long)(end - now).TotalMilliseconds) : 0;
        return new Outcome(step.Challenge, null, lifetimeMs);
    }
}

namespace Fjord.ControlPlane.Certificates;

/// <summary>
/// When a certificate is due for renewal: within a third of its lifetime of expiry, and at most 30 days before it
/// (the reconciler runs hourly, so 30 days leave room for weeks of failed runs before anything expires). A third of
/// the lifetime is what matters for short certificates: a 7-day one is renewed with 2⅓ days left, not on day one.
/// </summary>
public static class CertificateRenewalWindow
{
    public static readonly TimeSpan MaxLead = TimeSpan.FromDays(30);

    /// <summary>How long before its expiry a CA is reported at every run: broker certificates are cut to the CA's expiry, and rotating a CA takes every client.</summary>
    public static readonly TimeSpan CaLead = TimeSpan.FromDays(90);

    public static TimeSpan LeadOf(DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var third = (notAfter - notBefore) / 3;
        return third < MaxLead ? third : MaxLead;
    }

    public static bool IsDue(DateTimeOffset notBefore, DateTimeOffset notAfter, DateTimeOffset now) => now >= notAfter - LeadOf(notBefore, notAfter);
}

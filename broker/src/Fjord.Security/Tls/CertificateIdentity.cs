using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace Fjord.Security.Tls;

/// <summary>
/// What names one certificate for revocation: its issuer (RFC 2253, as <see cref="DistinguishedNameFormatter"/> prints
/// it) and its serial number (upper-case hex without leading zeros). A serial is unique only per issuer, so a
/// revocation by the cluster CA never touches a certificate another CA happened to give the same number.
/// </summary>
public sealed record CertificateIdentity(string Issuer, string SerialNumber)
{
    /// <summary>The longest serial RFC 5280 allows: 20 octets.</summary>
    public const int MaxSerialHexLength = 40;

    public static CertificateIdentity From(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new CertificateIdentity(DistinguishedNameFormatter.ToRfc2253(certificate.IssuerName), NormalizeSerial(certificate.SerialNumber)
            ?? throw new ArgumentException("the certificate's serial number is not hex", nameof(certificate)));
    }

    /// <summary>
    /// <paramref name="serial"/> as hex digits in one spelling: upper case, no leading zeros (DER may carry one to keep
    /// the INTEGER positive), colons and spaces dropped (as <c>openssl x509 -serial</c> and browsers print them).
    /// </summary>
    /// <returns>Null when it is not a serial number: empty, not hex, or over 20 octets.</returns>
    public static string? NormalizeSerial(string? serial)
    {
        if (string.IsNullOrWhiteSpace(serial)) return null;
        var digits = serial.Trim().Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        if (digits.Length == 0 || digits.Length > MaxSerialHexLength + 2 || !digits.All(char.IsAsciiHexDigit)) return null;
        digits = digits.TrimStart('0').ToUpper(CultureInfo.InvariantCulture);
        if (digits.Length == 0) digits = "0";
        return digits.Length > MaxSerialHexLength ? null : digits;
    }
}

namespace Fjord.Security.Tls;

/// <summary>
/// Keys and columns of the revocation table: one partition, so an insert and its version bump commit together. The
/// row key is the issuer's hash and the serial (<c>issuerhash-SERIAL</c>: the issuer DN itself may hold characters a
/// row key cannot); '!' never starts one, so the version row's key is free.
/// </summary>
internal static class CertificateRevocationColumns
{
    public const string Partition = "revoked";
    public const string VersionRow = "!version";

    public const string Issuer = "Issuer";
    public const string SerialNumber = "SerialNumber";
    public const string RevokedAt = "RevokedAt";
    public const string NotAfter = "NotAfter";
}

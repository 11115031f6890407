using Microsoft.Extensions.Logging;

namespace Fjord.Security.Tls;

/// <summary>Log messages of the TLS layer; event ids 4100–4199 belong to it.</summary>
internal static partial class TlsLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information,
        Message = "TLS certificate loaded from {Source}: subject {Subject}, expires {NotAfter:O}, thumbprint {Thumbprint}")]
    public static partial void CertificateLoaded(ILogger logger, string source, string subject, DateTime notAfter, string thumbprint);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning,
        Message = "TLS keystore {Location} changed but could not be loaded; the previous certificate keeps serving until the file is fixed")]
    public static partial void ReloadFailed(ILogger logger, string location, Exception exception);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning,
        Message = "TLS keystore {Location} could not be checked for changes; the current certificate keeps serving")]
    public static partial void StatFailed(ILogger logger, string location, Exception exception);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information,
        Message = "TLS peer certificate refused ({Subject}): {Reason}")]
    public static partial void PeerCertificateRefused(ILogger logger, string subject, string reason);
}

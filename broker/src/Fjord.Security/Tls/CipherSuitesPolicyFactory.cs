using System.Net.Security;

namespace Fjord.Security.Tls;

/// <summary>Turns <c>ssl.cipher.suites</c> into a policy; none configured means the platform's defaults.</summary>
internal static class CipherSuitesPolicyFactory
{
    public static CipherSuitesPolicy? Create(IReadOnlyList<TlsCipherSuite> suites)
    {
        if (suites.Count == 0) return null;
        // Windows' SChannel takes cipher suites from machine policy only; .NET cannot restrict them per stream.
        if (OperatingSystem.IsWindows())
            throw new SslConfigException(SslConfigNames.CipherSuites, "restricting cipher suites is not supported on Windows; leave it unset there");
        return new CipherSuitesPolicy(suites);
    }
}

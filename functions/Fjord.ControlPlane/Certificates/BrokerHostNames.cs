using System.Net;

namespace Fjord.ControlPlane.Certificates;

/// <summary>Which hosts a broker certificate may name: IP addresses, and DNS names of letters, digits and hyphens (no wildcards).</summary>
public static class BrokerHostNames
{
    public const int MaxHosts = 100;
    private const int MaxNameLength = 253;
    private const int MaxLabelLength = 63;

    /// <summary>What is wrong with <paramref name="hosts"/>, or null.</summary>
    public static string? Problem(IReadOnlyList<string?>? hosts)
    {
        if (hosts is null || hosts.Count == 0) return "hosts is empty; name the DNS names and IP addresses clients reach the broker at";
        if (hosts.Count > MaxHosts) return $"hosts has {hosts.Count} entries; at most {MaxHosts}";
        foreach (var host in hosts)
        {
            if (string.IsNullOrEmpty(host)) return "hosts holds an empty name";
            if (IPAddress.TryParse(host, out _)) continue;
            if (host.Length > MaxNameLength || !host.Split('.').All(IsLabel))
            {
                var shown = host.Length <= 60 ? host : host[..60] + "…";
                return $"host '{shown}' is neither an IP address nor a DNS name (labels of letters, digits and '-', up to {MaxLabelLength} each, {MaxNameLength} in all; no wildcards)";
            }
        }
        return null;
    }

    private static bool IsLabel(string label) =>
        label.Length is > 0 and <= MaxLabelLength && label[0] != '-' && label[^1] != '-' && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}

using Fjord.Security.Tls;

namespace Fjord.ControlPlane.Certificates;

/// <summary>
/// Brokers' keystores as PEM files (<c>FJORD_BROKER_KEYSTORE_PATHS</c>, comma-separated): the local set-up, where
/// every broker reads <c>security/broker.pem</c>. A missing file is skipped, not an error: the brokers may not have
/// been set up yet.
/// </summary>
public sealed class PemFileBrokerKeystoreStore(IReadOnlyList<string> paths) : IBrokerKeystoreStore
{
    public async Task<IReadOnlyList<BrokerKeystore>> ListAsync(CancellationToken ct)
    {
        var keystores = new List<BrokerKeystore>();
        foreach (var path in paths)
        {
            if (File.Exists(path)) keystores.Add(new BrokerKeystore(path, await File.ReadAllTextAsync(path, ct).ConfigureAwait(false)));
        }
        return keystores;
    }

    public Task WriteAsync(string name, string pem, CancellationToken ct)
    {
        if (!paths.Contains(name, StringComparer.Ordinal))
            throw new ArgumentException($"{name} is not one of the configured keystore files", nameof(name));
        // Owner-only and renamed into place, so the broker's reload never sees a partial key.
        PrivateFile.Write(name, pem);
        return Task.CompletedTask;
    }
}

using System.Text.RegularExpressions;
using Azure.Security.KeyVault.Secrets;

namespace Fjord.ControlPlane.Certificates;

/// <summary>
/// Brokers' keystores as Key Vault secrets <c>broker-&lt;node id&gt;-keystore</c> (what infra/hooks/postprovision.sh
/// seeds and each broker's container app mounts as <c>keystore.pem</c>). Writing one adds a new version of the
/// secret; Container Apps picks up the new version when it refreshes its Key Vault references, and the broker reloads
/// the mounted file when it changes. The control plane's identity needs Key Vault Secrets Officer on the vault.
/// </summary>
public sealed partial class KeyVaultBrokerKeystoreStore(SecretClient secrets) : IBrokerKeystoreStore
{
    public async Task<IReadOnlyList<BrokerKeystore>> ListAsync(CancellationToken ct)
    {
        var keystores = new List<BrokerKeystore>();
        await foreach (var properties in secrets.GetPropertiesOfSecretsAsync(ct).ConfigureAwait(false))
        {
            if (properties.Enabled == false || !KeystoreName().IsMatch(properties.Name)) continue;
            var secret = (await secrets.GetSecretAsync(properties.Name, cancellationToken: ct).ConfigureAwait(false)).Value;
            keystores.Add(new BrokerKeystore(secret.Name, secret.Value ?? ""));
        }
        return keystores;
    }

    public async Task WriteAsync(string name, string pem, CancellationToken ct)
    {
        if (!KeystoreName().IsMatch(name)) throw new ArgumentException($"{name} is not a broker keystore secret (broker-<id>-keystore)", nameof(name));
        var secret = new KeyVaultSecret(name, pem);
        secret.Properties.ContentType = KeyVaultSecretContent.PemContentType;
        await secrets.SetSecretAsync(secret, ct).ConfigureAwait(false);
    }

    [GeneratedRegex("^broker-[0-9]+-keystore$")]
    private static partial Regex KeystoreName();
}

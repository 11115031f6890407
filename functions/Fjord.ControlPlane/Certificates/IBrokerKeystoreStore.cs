namespace Fjord.ControlPlane.Certificates;

/// <summary>
/// Where the brokers read their keys and certificates: Key Vault secrets mounted into the broker apps in Azure, PEM
/// files locally. The certificate reconciler renews what it finds here, so a renewed certificate reaches its broker
/// without anyone copying it (brokers reload a keystore file that changes).
/// </summary>
public interface IBrokerKeystoreStore
{
    Task<IReadOnlyList<BrokerKeystore>> ListAsync(CancellationToken ct);

    /// <summary>Replaces the keystore <paramref name="name"/> as one write: a broker never reads half of it.</summary>
    Task WriteAsync(string name, string pem, CancellationToken ct);
}

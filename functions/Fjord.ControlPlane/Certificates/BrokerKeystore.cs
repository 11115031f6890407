namespace Fjord.ControlPlane.Certificates;

/// <summary>A broker's keystore as the broker reads it (<c>ssl.keystore.type=PEM</c>): its private key, then its certificate chain.</summary>
/// <param name="Name">Where it lives: a Key Vault secret's name (<c>broker-0-keystore</c>) or a file's path.</param>
public sealed record BrokerKeystore(string Name, string Pem);

using Fjord.Broker.Security;

namespace Fjord.Broker.Tests.Authorization;

/// <summary>Which config names DescribeConfigs treats as secrets: Kafka's PASSWORD configs and Fjord's connection strings, in every listener-prefixed form.</summary>
public sealed class SensitiveConfigsTests
{
    [Theory]
    [InlineData("ssl.keystore.password")]
    [InlineData("ssl.key.password")]
    [InlineData("ssl.truststore.password")]
    [InlineData("ssl.keystore.key")]
    [InlineData("ssl.keystore.certificate.chain")]
    [InlineData("ssl.truststore.certificates")]
    [InlineData("sasl.jaas.config")]
    [InlineData("listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config")]
    [InlineData("listener.name.internal.ssl.keystore.password")]
    [InlineData("password.encoder.secret")]
    [InlineData("delegation.token.secret.key")]
    [InlineData("fjord.metadata.connection.string")]
    [InlineData("fjord.tiering.blob.connectionString")]
    [InlineData("sasl.oauthbearer.client.secret")]
    public void SecretsAreSensitive(string name) => Assert.True(SensitiveConfigs.IsSensitive(name), name);

    [Theory]
    [InlineData("ssl.keystore.location")]
    [InlineData("ssl.keystore.type")]
    [InlineData("sasl.enabled.mechanisms")]
    [InlineData("listeners")]
    [InlineData("retention.ms")]
    [InlineData("cleanup.policy")]
    [InlineData("compression.type")]
    public void OrdinaryConfigsAreNot(string name) => Assert.False(SensitiveConfigs.IsSensitive(name), name);
}

using System.Security.Cryptography;
using System.Text.Json;
using Fjord.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fjord.Broker.Tests.Security;

/// <summary>
/// An identity provider for client tests: an RSA signing key the test made, the JWKS of its public half in a file
/// the broker reads as file://, and the signed tokens a Confluent.Kafka refresh handler hands to librdkafka.
/// </summary>
public sealed class TestTokenIssuer : IDisposable
{
    public const string Issuer = "https://idp.fjord.test/";
    public const string Audience = "fjord";

    private readonly TempDirectory _directory = new("fjord-client-jwks");
    private readonly RsaSecurityKey _signingKey = NewKey("fjord-test-1");

    public TestTokenIssuer()
    {
        JwksPath = _directory.Combine("jwks.json");
        var parameters = _signingKey.Rsa.ExportParameters(includePrivateParameters: false);
        var jwk = new Dictionary<string, string>
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["alg"] = "RS256",
            ["kid"] = _signingKey.KeyId,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
        File.WriteAllText(JwksPath, JsonSerializer.Serialize(new Dictionary<string, object> { ["keys"] = new[] { jwk } }));
    }

    public string JwksPath { get; }

    public string KeyId => _signingKey.KeyId;

    public string JwksUrl => new Uri(JwksPath).AbsoluteUri;

    /// <summary>A key of nobody the broker trusts: its tokens must be refused.</summary>
    public static RsaSecurityKey NewKey(string keyId) => new(RSA.Create(2048)) { KeyId = keyId };

    /// <summary>A token for <paramref name="subject"/>, valid for an hour unless <paramref name="expires"/> says otherwise.</summary>
    public string Issue(string subject, DateTimeOffset? expires = null, string audience = Audience, SecurityKey? key = null)
    {
        var now = DateTimeOffset.UtcNow;
        var exp = expires ?? now.AddHours(1);
        var payload = new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["aud"] = audience,
            ["sub"] = subject,
            ["scope"] = "kafka",
            ["iat"] = Math.Min(now.ToUnixTimeSeconds(), exp.AddMinutes(-5).ToUnixTimeSeconds()),
            ["exp"] = exp.ToUnixTimeSeconds(),
        };
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = payload,
            SigningCredentials = new SigningCredentials(key ?? _signingKey, SecurityAlgorithms.RsaSha256),
        });
    }

    public void Dispose()
    {
        _signingKey.Rsa.Dispose();
        _directory.Dispose();
    }
}

using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fjord.Testing;

/// <summary>
/// An identity provider for tests: signing keys it generated, a JWKS of their public halves written to a file
/// (served to the validator as file://), and tokens it signs.
/// </summary>
public sealed class TestIdentityProvider : IDisposable
{
    public const string Issuer = "https://idp.example.com/";
    public const string Audience = "fjord";

    private readonly TempDirectory _directory = new("fjord-jwks");
    private readonly List<SecurityKey> _published = [];

    public TestIdentityProvider()
    {
        JwksPath = _directory.Combine("jwks.json");
        SigningKey = NewRsaKey("rsa-1");
        Publish(SigningKey);
    }

    public string JwksPath { get; }

    public Uri JwksUrl => new(JwksPath);

    public SecurityKey SigningKey { get; }

    public static RsaSecurityKey NewRsaKey(string keyId) => new(RSA.Create(2048)) { KeyId = keyId };

    public static ECDsaSecurityKey NewEcKey(string keyId) => new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = keyId };

    /// <summary>Adds the key's public half to the JWKS file.</summary>
    public void Publish(SecurityKey key)
    {
        _published.Add(key);
        var keys = _published.Select(ToJwk).ToArray();
        File.WriteAllText(JwksPath, JsonSerializer.Serialize(new Dictionary<string, object> { ["keys"] = keys }));
    }

    /// <summary>A token with the usual claims; <paramref name="claims"/> overrides or adds (null removes).</summary>
    public string Issue(DateTimeOffset now, IReadOnlyDictionary<string, object?>? claims = null, SecurityKey? key = null)
    {
        var payload = new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["sub"] = "alice",
            ["scope"] = "kafka.produce kafka.consume",
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddHours(1).ToUnixTimeSeconds(),
        };
        foreach (var (name, value) in claims ?? new Dictionary<string, object?>())
        {
            if (value is null)
                payload.Remove(name);
            else
                payload[name] = value;
        }

        key ??= SigningKey;
        var algorithm = key is ECDsaSecurityKey ? SecurityAlgorithms.EcdsaSha256 : SecurityAlgorithms.RsaSha256;
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor { Claims = payload, SigningCredentials = new SigningCredentials(key, algorithm) });
    }

    /// <summary>An unsecured JWT (RFC 7519 §6): "alg":"none" and no signature.</summary>
    public static string IssueUnsigned(DateTimeOffset now) =>
        Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""") + "." +
        Base64UrlEncoder.Encode($$"""{"iss":"{{Issuer}}","aud":"{{Audience}}","sub":"alice","exp":{{now.AddHours(1).ToUnixTimeSeconds()}}}""") + ".";

    public void Dispose() => _directory.Dispose();

    private static Dictionary<string, string> ToJwk(SecurityKey key) => key switch
    {
        RsaSecurityKey rsa => RsaJwk(rsa),
        ECDsaSecurityKey ec => EcJwk(ec),
        _ => throw new NotSupportedException(key.GetType().Name),
    };

    private static Dictionary<string, string> RsaJwk(RsaSecurityKey key)
    {
        var parameters = key.Rsa.ExportParameters(includePrivateParameters: false);
        return new()
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["alg"] = "RS256",
            ["kid"] = key.KeyId,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
    }

    private static Dictionary<string, string> EcJwk(ECDsaSecurityKey key)
    {
        var parameters = key.ECDsa.ExportParameters(includePrivateParameters: false);
        return new()
        {
            ["kty"] = "EC",
            ["use"] = "sig",
            ["alg"] = "ES256",
            ["crv"] = "P-256",
            ["kid"] = key.KeyId,
            ["x"] = Base64UrlEncoder.Encode(parameters.Q.X),
            ["y"] = Base64UrlEncoder.Encode(parameters.Q.Y),
        };
    }
}

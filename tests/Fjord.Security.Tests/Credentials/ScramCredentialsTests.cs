using Fjord.Security.Credentials;

namespace Fjord.Security.Tests.Credentials;

public sealed class ScramCredentialsTests
{
    [Theory]
    [InlineData(ScramMechanism.ScramSha256, 32)]
    [InlineData(ScramMechanism.ScramSha512, 64)]
    public void ACredentialHasARandom32ByteSaltAndKeysOfTheHashSize(ScramMechanism mechanism, int keySize)
    {
        var a = ScramCredentials.Create(mechanism, "pw", 4096);
        var b = ScramCredentials.Create(mechanism, "pw", 4096);

        Assert.Equal(32, a.Salt.Length);
        Assert.NotEqual(a.Salt, b.Salt);
        Assert.NotEqual(a.StoredKey, b.StoredKey);
        Assert.Equal(keySize, a.StoredKey.Length);
        Assert.Equal(keySize, a.ServerKey.Length);
        Assert.Equal(4096, a.Iterations);
    }

    [Fact]
    public void TheSameSaltAndPasswordGiveTheSameKeys()
    {
        byte[] salt = [9, 8, 7];

        var a = ScramCredentials.Create(ScramMechanism.ScramSha512, "pw", 4096, salt);
        var b = ScramCredentials.Create(ScramMechanism.ScramSha512, "pw", 4096, salt);

        Assert.Equal(a.StoredKey, b.StoredKey);
        Assert.Equal(a.ServerKey, b.ServerKey);
    }

    [Fact]
    public void Rfc7677KeysFollowFromTheSaltedPassword()
    {
        // RFC 7677 §3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations.
        var salt = Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ==");
        var salted = ScramFormatter.SaltedPassword(ScramMechanism.ScramSha256, "pencil", salt, 4096);
        var credential = ScramCredentials.Create(ScramMechanism.ScramSha256, "pencil", 4096, salt);

        Assert.Equal(ScramFormatter.StoredKey(ScramMechanism.ScramSha256, ScramFormatter.ClientKey(ScramMechanism.ScramSha256, salted)), credential.StoredKey);
        Assert.Equal(ScramFormatter.ServerKey(ScramMechanism.ScramSha256, salted), credential.ServerKey);
    }

    [Theory]
    [InlineData(4095)]
    [InlineData(16385)]
    public void IterationsOutsideKafkasBoundsAreRefused(int iterations) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ScramCredentials.Create(ScramMechanism.ScramSha256, "pw", iterations));

    [Fact]
    public void AnUnknownMechanismIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ScramCredentials.Create(ScramMechanism.Unknown, "pw", 4096));

    [Theory]
    [InlineData("SCRAM-SHA-256", ScramMechanism.ScramSha256)]
    [InlineData("SCRAM-SHA-512", ScramMechanism.ScramSha512)]
    public void MechanismNamesRoundTrip(string name, ScramMechanism mechanism)
    {
        Assert.True(ScramMechanisms.TryParse(name, out var parsed));
        Assert.Equal(mechanism, parsed);
        Assert.Equal(name, mechanism.MechanismName());
    }

    [Theory]
    [InlineData("scram-sha-256")]
    [InlineData("SCRAM-SHA-1")]
    [InlineData("")]
    [InlineData(null)]
    public void OtherNamesAreNoMechanism(string? name) => Assert.False(ScramMechanisms.TryParse(name, out _));

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b=c", "a=2Cb=3Dc")]
    [InlineData("==,,", "=3D=3D=2C=2C")]
    public void SaslNamesEscapeCommaAndEquals(string name, string saslName)
    {
        Assert.Equal(saslName, ScramSaslName.Encode(name));
        Assert.True(ScramSaslName.TryDecode(saslName, out var decoded));
        Assert.Equal(name, decoded);
    }

    [Theory]
    [InlineData("a=")]
    [InlineData("a=2")]
    [InlineData("a=2D")]
    [InlineData("a,b")]
    public void ABadSaslNameDoesNotDecode(string saslName) => Assert.False(ScramSaslName.TryDecode(saslName, out _));
}

using System.Security.Cryptography;
using Fjord.ControlPlane.Certificates;

namespace Fjord.ControlPlane.Tests.Certificates;

public sealed class SigningRequestsTests
{
    [Fact]
    public void AnEcP256RequestYieldsItsPublicKey()
    {
        var key = SigningRequests.ReadPublicKey(TestCsr.Ec(ECCurve.NamedCurves.nistP256));
        Assert.Equal("1.2.840.10045.2.1", key.Oid.Value);
    }

    [Fact]
    public void EcP384AndRsa2048And4096AreAccepted()
    {
        SigningRequests.ReadPublicKey(TestCsr.Ec(ECCurve.NamedCurves.nistP384));
        SigningRequests.ReadPublicKey(TestCsr.Rsa(2048));
        SigningRequests.ReadPublicKey(TestCsr.Rsa(4096));
    }

    [Fact]
    public void AnRsaKeyUnder2048BitsIsRefusedWithItsSize()
    {
        var e = Assert.Throws<FormatException>(() => SigningRequests.ReadPublicKey(TestCsr.Rsa(1024)));
        Assert.Contains("1024 bits", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEcKeyOnP521IsRefusedNamingTheCurvesAccepted()
    {
        var e = Assert.Throws<FormatException>(() => SigningRequests.ReadPublicKey(TestCsr.Ec(ECCurve.NamedCurves.nistP521)));
        Assert.Contains("P-256 or P-384", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARequestWhoseSignatureDoesNotVerifyIsRefused()
    {
        var e = Assert.Throws<FormatException>(() => SigningRequests.ReadPublicKey(TestCsr.WithBadSignature()));
        Assert.Contains("signature", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nnot base64!\n-----END CERTIFICATE REQUEST-----\n")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nMIIBAAAA\n-----END CERTIFICATE REQUEST-----\n")]
    public void WhatIsNotAPkcs10RequestIsRefusedWithAMessage(string pem)
    {
        var e = Assert.Throws<FormatException>(() => SigningRequests.ReadPublicKey(pem));
        Assert.Contains("CSR", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOverLongPemIsRefusedBeforeParsing()
    {
        var e = Assert.Throws<FormatException>(() => SigningRequests.ReadPublicKey(new string('A', SigningRequests.MaxPemLength + 1)));
        Assert.Contains("at most", e.Message, StringComparison.Ordinal);
    }
}

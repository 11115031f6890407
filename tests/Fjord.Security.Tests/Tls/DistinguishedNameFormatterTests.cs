using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using Fjord.Security.Tls;

namespace Fjord.Security.Tests.Tls;

public sealed class DistinguishedNameFormatterTests
{
    [Fact]
    public void PrintsMostSpecificFirstWithoutSpacesAsJavaDoes()
    {
        // Written most-specific first, .NET encodes it in that order reversed (C first in the DER sequence).
        var name = new X500DistinguishedName("CN=alice, OU=eng, O=Fjord, C=NO");
        Assert.Equal("CN=alice, OU=eng, O=Fjord, C=NO", name.Name);
        Assert.Equal("CN=alice,OU=eng,O=Fjord,C=NO", DistinguishedNameFormatter.ToRfc2253(name));
    }

    [Fact]
    public void UsesKafkasDefaultFormForAllSixAttributes()
    {
        var name = new X500DistinguishedName("CN=writeuser,OU=Unknown,O=Unknown,L=Unknown,S=Unknown,C=NO");
        Assert.Equal("CN=writeuser,OU=Unknown,O=Unknown,L=Unknown,ST=Unknown,C=NO", DistinguishedNameFormatter.ToRfc2253(name));
    }

    [Fact]
    public void EscapesSpecialCharactersWithBackslashesInsteadOfQuotes()
    {
        var builder = new X500DistinguishedNameBuilder();
        // The builder is called most specific first, as the name is read.
        builder.AddCommonName(" a+b=c#d;\"e\"<f>\\g ");
        builder.AddOrganizationName("Fjord, Inc.");
        var name = builder.Build();
        Assert.Equal("CN=\\ a\\+b\\=c\\#d\\;\\\"e\\\"\\<f\\>\\\\g\\ ,O=Fjord\\, Inc.", DistinguishedNameFormatter.ToRfc2253(name));
    }

    [Fact]
    public void PrintsAttributesWithoutAnRfc2253KeywordAsHex()
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName("alice");
        builder.AddEmailAddress("a@b.no");
        var dn = DistinguishedNameFormatter.ToRfc2253(builder.Build());
        // IA5String "a@b.no": tag 0x16, length 6.
        Assert.Equal("CN=alice,1.2.840.113549.1.9.1=#16066140622e6e6f", dn);
    }

    [Fact]
    public void JoinsAMultiValuedRdnWithPlus()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSetOf())
            {
                WriteAttribute(writer, "2.5.4.11", "eng");
                WriteAttribute(writer, "2.5.4.3", "alice");
            }
        }
        var dn = DistinguishedNameFormatter.ToRfc2253(new X500DistinguishedName(writer.Encode()));
        // DER sorts a SET OF by encoding (the shorter OU attribute first); Java prints the stored order.
        Assert.Equal("OU=eng+CN=alice", dn);
    }

    [Fact]
    public void KeepsNonAsciiText()
    {
        var name = new X500DistinguishedName("CN=Åse Ødegård, O=Fjord");
        Assert.Equal("CN=Åse Ødegård,O=Fjord", DistinguishedNameFormatter.ToRfc2253(name));
    }

    private static void WriteAttribute(AsnWriter writer, string oid, string value)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            writer.WriteCharacterString(UniversalTagNumber.UTF8String, value);
        }
    }
}

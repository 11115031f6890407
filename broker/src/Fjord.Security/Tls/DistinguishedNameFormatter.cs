using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Fjord.Security.Tls;

/// <summary>
/// Prints a certificate subject the way Java's <c>X500Principal.getName()</c> does (RFC 2253), because Kafka's
/// principal mapping rules and the ACLs operators have written are matched against exactly that text:
/// most-specific RDN first, <c>,</c> between RDNs with no space, <c>+</c> inside a multi-valued RDN, only the
/// RFC 2253 keywords (CN, C, L, ST, O, OU, STREET, DC, UID) by name and every other attribute as
/// <c>dotted.oid=#hex-of-DER</c>, and a backslash before <c>, = + &lt; &gt; # ; " \</c> and before leading or
/// trailing spaces. .NET's <see cref="X500DistinguishedName.Name"/> differs (", " separators, quoting).
/// </summary>
public static class DistinguishedNameFormatter
{
    private static readonly Dictionary<string, string> Rfc2253Keywords = new(StringComparer.Ordinal)
    {
        ["2.5.4.3"] = "CN",
        ["2.5.4.6"] = "C",
        ["2.5.4.7"] = "L",
        ["2.5.4.8"] = "ST",
        ["2.5.4.10"] = "O",
        ["2.5.4.11"] = "OU",
        ["2.5.4.9"] = "STREET",
        ["0.9.2342.19200300.100.1.25"] = "DC",
        ["0.9.2342.19200300.100.1.1"] = "UID",
    };

    private const string Escaped = ",=+<>#;\"\\";

    public static string ToRfc2253(X500DistinguishedName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var reader = new AsnReader(name.RawData, AsnEncodingRules.DER);
        var rdnSequence = reader.ReadSequence();
        reader.ThrowIfNotEmpty();

        var rdns = new List<string>();
        while (rdnSequence.HasData)
        {
            var set = rdnSequence.ReadSetOf();
            var attributes = new List<string>();
            while (set.HasData)
            {
                var attribute = set.ReadSequence();
                var oid = attribute.ReadObjectIdentifier();
                var value = attribute.ReadEncodedValue();
                attribute.ThrowIfNotEmpty();
                attributes.Add(FormatAttribute(oid, value.Span));
            }
            rdns.Add(string.Join('+', attributes));
        }
        rdns.Reverse();
        return string.Join(',', rdns);
    }

    private static string FormatAttribute(string oid, ReadOnlySpan<byte> encodedValue)
    {
        var text = Rfc2253Keywords.TryGetValue(oid, out var keyword) ? DecodeString(encodedValue) : null;
        if (keyword is null || text is null)
            return $"{keyword ?? oid}=#{Convert.ToHexStringLower(encodedValue)}";
        return $"{keyword}={Escape(text)}";
    }

    /// <summary>The directory-string types Java prints as text; anything else is printed as hex.</summary>
    private static string? DecodeString(ReadOnlySpan<byte> encodedValue)
    {
        var tag = Asn1Tag.Decode(encodedValue, out _);
        if (tag.TagClass != TagClass.Universal) return null;
        var reader = new AsnReader(encodedValue.ToArray(), AsnEncodingRules.BER);
        return (UniversalTagNumber)tag.TagValue switch
        {
            UniversalTagNumber.UTF8String => reader.ReadCharacterString(UniversalTagNumber.UTF8String),
            UniversalTagNumber.PrintableString => reader.ReadCharacterString(UniversalTagNumber.PrintableString),
            UniversalTagNumber.IA5String => reader.ReadCharacterString(UniversalTagNumber.IA5String),
            UniversalTagNumber.BMPString => reader.ReadCharacterString(UniversalTagNumber.BMPString),
            // T61 and General strings carry no reliable charset; Java reads their bytes as UTF-8, and so do we.
            UniversalTagNumber.T61String or UniversalTagNumber.GeneralString =>
                Encoding.UTF8.GetString(reader.ReadOctetString(new Asn1Tag(TagClass.Universal, tag.TagValue))),
            _ => null,
        };
    }

    private static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length + 4);
        foreach (var c in value)
        {
            if (c == '\0') { escaped.Append("\\00"); continue; }
            if (Escaped.Contains(c, StringComparison.Ordinal)) escaped.Append('\\');
            escaped.Append(c);
        }

        // Leading and trailing spaces (and CRs, as Java does) would be lost to a parser, so they are escaped.
        var text = escaped.ToString();
        var lead = 0;
        while (lead < text.Length && text[lead] is ' ' or '\r') lead++;
        var trail = text.Length - 1;
        while (trail >= 0 && text[trail] is ' ' or '\r') trail--;
        if (lead == 0 && trail == text.Length - 1) return text;
        var result = new StringBuilder(text.Length + 4);
        for (var i = 0; i < text.Length; i++)
        {
            if (i < lead || i > trail) result.Append('\\');
            result.Append(text[i]);
        }
        return result.ToString();
    }
}

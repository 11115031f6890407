using System.Security.Authentication;
using Fjord.Security.Principals;
using Fjord.Security.Tls;

namespace Fjord.Security.Tests.Tls;

public sealed class SslPrincipalMapperTests
{
    // Kafka's documented example (security.html, "Customizing SSL User Name"), with its line breaks.
    private const string DocumentedRules = """
        RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/,
        RULE:^CN=(.*?),OU=(.*?),O=(.*?),L=(.*?),ST=(.*?),C=(.*?)$/$1@$2/L,
        RULE:^.*[Cc][Nn]=([a-zA-Z0-9.]*).*$/$1/L,
        DEFAULT
        """;

    [Theory]
    [InlineData("CN=serviceuser,OU=ServiceUsers,O=Unknown,L=Unknown,ST=Unknown,C=Unknown", "serviceuser")]
    [InlineData("CN=adminUser,OU=Admin,O=Unknown,L=Unknown,ST=Unknown,C=Unknown", "adminuser@admin")]
    [InlineData("O=Fjord,CN=Someone.Else", "someone.else")]
    [InlineData("O=Fjord", "O=Fjord")]
    public void KafkasDocumentedExamplesMapAsDocumented(string dn, string expected)
    {
        Assert.Equal(expected, SslPrincipalMapper.Parse(DocumentedRules).Map(dn));
    }

    [Fact]
    public void TheBriefsTwoRuleListMapsBothKinds()
    {
        var mapper = SslPrincipalMapper.Parse("RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/,RULE:^CN=(.*?),OU=(.*?),O=(.*?),L=(.*?),ST=(.*?),C=(.*?)$/$1@$2/L,DEFAULT");
        Assert.Equal(3, mapper.Rules.Count);
        Assert.Equal("serviceuser", mapper.Map("CN=serviceuser,OU=ServiceUsers,O=Unknown,L=Unknown,ST=Unknown,C=Unknown"));
        Assert.Equal("adminuser@admin", mapper.Map("CN=adminUser,OU=Admin,O=Unknown,L=Unknown,ST=Unknown,C=Unknown"));
        Assert.Equal("CN=alice,OU=eng,O=Fjord,C=NO", mapper.Map("CN=alice,OU=eng,O=Fjord,C=NO"));
    }

    [Fact]
    public void UpperCaseOption()
    {
        Assert.Equal("ALICE", SslPrincipalMapper.Parse("RULE:^CN=([^,]*).*$/$1/U").Map("CN=alice,O=Fjord"));
    }

    [Fact]
    public void AnEscapedSlashIsPartOfThePatternAndTheReplacement()
    {
        var mapper = SslPrincipalMapper.Parse(@"RULE:^CN=(.*?)\/(.*?),.*$/$2\/$1/");
        Assert.Equal("b/a", mapper.Map("CN=a/b,O=Fjord"));
    }

    [Fact]
    public void APatternMustMatchTheWholeName()
    {
        var mapper = SslPrincipalMapper.Parse("RULE:CN=alice/x/");
        Assert.Null(mapper.Map("CN=alice,O=Fjord"));
        Assert.Equal("x", mapper.Map("CN=alice"));
    }

    [Fact]
    public void WithoutDefaultAnUnmatchedNameIsRefused()
    {
        var mapper = SslPrincipalMapper.Parse("RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/");
        Assert.Null(mapper.Map("CN=alice,O=Fjord"));
    }

    [Fact]
    public void NoCertificateIsAnonymous()
    {
        Assert.Same(KafkaPrincipal.Anonymous, SslPrincipalMapper.Default.PrincipalFor(null));
    }

    [Fact]
    public void ACertificateIsItsJavaStyleDnByDefault()
    {
        using var ca = LocalCertificateAuthority.Create();
        using var client = ca.IssueClientCertificate("CN=alice, OU=eng, O=Fjord, C=NO");
        Assert.Equal(KafkaPrincipal.User("CN=alice,OU=eng,O=Fjord,C=NO"), SslPrincipalMapper.Default.PrincipalFor(client));
        Assert.Equal(KafkaPrincipal.User("alice"), SslPrincipalMapper.Parse("RULE:^CN=(.*?),.*$/$1/").PrincipalFor(client));
        Assert.Throws<AuthenticationException>(() => SslPrincipalMapper.Parse("RULE:^CN=bob,.*$/bob/").PrincipalFor(client));
    }

    [Theory]
    [InlineData("")]
    [InlineData("RULE:^(.*)$/$2/")]
    [InlineData("RULE:^(.*)$/cost $/")]
    [InlineData("RULE:^(.*$/$1/")]
    [InlineData("DEFAULTS")]
    public void MalformedRulesAreRefused(string rules)
    {
        var error = Assert.Throws<SslConfigException>(() => SslPrincipalMapper.Parse(rules));
        Assert.Equal(SslConfigNames.PrincipalMappingRules, error.Setting);
    }
}

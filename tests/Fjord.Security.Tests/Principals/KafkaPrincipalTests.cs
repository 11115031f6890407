using Fjord.Security.Principals;

namespace Fjord.Security.Tests.Principals;

public sealed class KafkaPrincipalTests
{
    [Fact]
    public void ParsesTypeAndNameKeepingColonsOfADistinguishedName()
    {
        var principal = KafkaPrincipal.Parse("User:CN=a:b,O=Fjord");
        Assert.Equal("User", principal.PrincipalType);
        Assert.Equal("CN=a:b,O=Fjord", principal.Name);
        Assert.Equal("User:CN=a:b,O=Fjord", principal.ToString());
    }

    [Theory]
    [InlineData("alice")]
    [InlineData(":alice")]
    [InlineData("User:")]
    public void RefusesWhatIsNotTypeColonName(string value)
    {
        Assert.Throws<FormatException>(() => KafkaPrincipal.Parse(value));
        Assert.False(KafkaPrincipal.TryParse(value, out _));
    }

    [Fact]
    public void APrincipalThatHasBeenPrintedStillEqualsAFreshOne()
    {
        var printed = KafkaPrincipal.User("bob");
        _ = printed.ToString();

        Assert.Equal(KafkaPrincipal.User("bob"), printed);
        Assert.Equal(KafkaPrincipal.User("bob").GetHashCode(), printed.GetHashCode());
        Assert.NotEqual(KafkaPrincipal.User("carol"), printed);
    }
}

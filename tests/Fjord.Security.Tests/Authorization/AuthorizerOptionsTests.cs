using Fjord.Security.Authorization;

namespace Fjord.Security.Tests.Authorization;

public sealed class AuthorizerOptionsTests
{
    [Fact]
    public void SuperUsersAreSemicolonSeparatedSoDistinguishedNamesKeepTheirCommas()
    {
        var users = AuthorizerOptions.ParseSuperUsers(" User:admin ; User:CN=broker-1,O=Fjord;;");

        Assert.Equal(["User:CN=broker-1,O=Fjord", "User:admin"], users.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void NoSuperUsersIsAnEmptySet(string? value)
    {
        Assert.Empty(AuthorizerOptions.ParseSuperUsers(value));
    }

    [Fact]
    public void ASuperUserThatIsNotAPrincipalIsRefused()
    {
        Assert.Throws<FormatException>(() => AuthorizerOptions.ParseSuperUsers("User:admin;admin"));
    }

    [Fact]
    public void ByDefaultNobodyIsSuperAndNoAclMeansDenied()
    {
        var options = new AuthorizerOptions();

        Assert.Empty(options.SuperUsers);
        Assert.False(options.AllowEveryoneIfNoAclFound);
    }
}

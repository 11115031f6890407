using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;

namespace Fjord.Broker.Tests.Security;

/// <summary>SCRAM users managed through Confluent.Kafka's admin API (AlterUserScramCredentials / DescribeUserScramCredentials).</summary>
[Collection(BrokerCollection.Name)]
public sealed class ScramAdminClientTests(AclClusterFixture fixture) : IClassFixture<AclClusterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AnOperatorCreatesDescribesAndDeletesAUserAndAnEmptyListDescribesEveryUser()
    {
        var user = "scram-" + Guid.NewGuid().ToString("N")[..8];
        using var admin = fixture.Admin();
        await admin.AlterUserScramCredentialsAsync(
            [new UserScramCredentialUpsertion { User = user, Password = "pw"u8.ToArray(), ScramCredentialInfo = new ScramCredentialInfo { Mechanism = ScramMechanism.ScramSha512, Iterations = 8192 } }],
            new AlterUserScramCredentialsOptions { RequestTimeout = Timeout });

        var one = await admin.DescribeUserScramCredentialsAsync([user], new DescribeUserScramCredentialsOptions { RequestTimeout = Timeout });
        var described = Assert.Single(one.UserScramCredentialsDescriptions);
        Assert.Equal(user, described.User);
        Assert.Equal(ScramMechanism.ScramSha512, Assert.Single(described.ScramCredentialInfos).Mechanism);

        var all = await admin.DescribeUserScramCredentialsAsync([], new DescribeUserScramCredentialsOptions { RequestTimeout = Timeout });
        Assert.Contains(all.UserScramCredentialsDescriptions, d => d.User == user);
        Assert.Contains(all.UserScramCredentialsDescriptions, d => d.User == "alice");

        await admin.AlterUserScramCredentialsAsync([new UserScramCredentialDeletion { User = user, Mechanism = ScramMechanism.ScramSha512 }],
            new AlterUserScramCredentialsOptions { RequestTimeout = Timeout });
        var gone = await Assert.ThrowsAsync<DescribeUserScramCredentialsException>(() =>
            admin.DescribeUserScramCredentialsAsync([user], new DescribeUserScramCredentialsOptions { RequestTimeout = Timeout }));
        Assert.Equal(ErrorCode.ResourceNotFound, Assert.Single(gone.Results.UserScramCredentialsDescriptions).Error.Code);
    }
}

using System.Security.Cryptography;
using Fjord.Protocol;

namespace Fjord.Broker.Tests.Protocol;

/// <summary>
/// The security APIs on a broker without an authorizer and with only a PLAINTEXT listener: SCRAM credentials
/// are still managed (anyone may, as with Kafka's no-authorizer default), the ACL APIs answer SECURITY_DISABLED,
/// and a SASL handshake is an illegal state. The SASL exchange itself is tested version by version in
/// Security/SaslConnectionTests, the ACL APIs with an authorizer in Acls/.
/// </summary>
public sealed partial class EveryAdvertisedVersionTests
{
    [Fact]
    public async Task AlterAndDescribeUserScramCredentialsRoundTripAtV0WithoutEverShowingAKey()
    {
        var user = $"user-{Guid.NewGuid():N}";
        var alter = new AlterUserScramCredentialsRequest();
        alter.Upsertions.Add(new AlterUserScramCredentialsRequest.ScramCredentialUpsertion
        {
            Name = user,
            Mechanism = 2,
            Iterations = 8192,
            Salt = RandomNumberGenerator.GetBytes(16),
            SaltedPassword = RandomNumberGenerator.GetBytes(64),
        });
        alter.Upsertions.Add(new AlterUserScramCredentialsRequest.ScramCredentialUpsertion
        {
            Name = "bad-iterations",
            Mechanism = 1,
            Iterations = 10,
            Salt = RandomNumberGenerator.GetBytes(16),
            SaltedPassword = RandomNumberGenerator.GetBytes(32),
        });
        var altered = await _client.SendAsync<AlterUserScramCredentialsResponse>(alter, 0);
        Assert.Equal(0, altered.Results.Single(r => r.User == user).ErrorCode);
        Assert.Equal((short)ErrorCode.UnacceptableCredential, altered.Results.Single(r => r.User == "bad-iterations").ErrorCode);

        var describe = new DescribeUserScramCredentialsRequest();
        describe.Users!.Add(new DescribeUserScramCredentialsRequest.UserName { Name = user });
        describe.Users.Add(new DescribeUserScramCredentialsRequest.UserName { Name = "bad-iterations" });
        var described = await _client.SendAsync<DescribeUserScramCredentialsResponse>(describe, 0);
        var info = Assert.Single(described.Results.Single(r => r.User == user).CredentialInfos);
        Assert.Equal((2, 8192), (info.Mechanism, info.Iterations));
        Assert.Equal((short)ErrorCode.ResourceNotFound, described.Results.Single(r => r.User == "bad-iterations").ErrorCode);

        var delete = new AlterUserScramCredentialsRequest();
        delete.Deletions.Add(new AlterUserScramCredentialsRequest.ScramCredentialDeletion { Name = user, Mechanism = 2 });
        Assert.Equal(0, Assert.Single((await _client.SendAsync<AlterUserScramCredentialsResponse>(delete, 0)).Results).ErrorCode);
        Assert.Equal((short)ErrorCode.ResourceNotFound,
            Assert.Single((await _client.SendAsync<AlterUserScramCredentialsResponse>(delete, 0)).Results).ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 3)]
    public async Task AclApisAnswerSecurityDisabledWithoutAnAuthorizerAtEveryVersion(short version)
    {
        var create = new CreateAclsRequest();
        create.Creations.Add(new CreateAclsRequest.AclCreation
        {
            ResourceType = 2,
            ResourceName = "orders",
            ResourcePatternType = 3,
            Principal = "User:alice",
            Host = "*",
            Operation = 3,
            PermissionType = 3,
        });
        Assert.Equal((short)ErrorCode.SecurityDisabled, Assert.Single((await _client.SendAsync<CreateAclsResponse>(create, version)).Results).ErrorCode);

        var describe = new DescribeAclsRequest
        {
            ResourceTypeFilter = 1,
            ResourceNameFilter = null,
            PatternTypeFilter = AnyPatternFrom(version),
            PrincipalFilter = null,
            HostFilter = null,
            Operation = 1,
            PermissionType = 1,
        };
        Assert.Equal((short)ErrorCode.SecurityDisabled, (await _client.SendAsync<DescribeAclsResponse>(describe, version)).ErrorCode);

        var delete = new DeleteAclsRequest();
        delete.Filters.Add(new DeleteAclsRequest.DeleteAclsFilter
        {
            ResourceTypeFilter = 1,
            ResourceNameFilter = null,
            PatternTypeFilter = AnyPatternFrom(version),
            PrincipalFilter = null,
            HostFilter = null,
            Operation = 1,
            PermissionType = 1,
        });
        Assert.Equal((short)ErrorCode.SecurityDisabled, Assert.Single((await _client.SendAsync<DeleteAclsResponse>(delete, version)).FilterResults).ErrorCode);
    }

    /// <summary>v0 filters have no pattern type: they are LITERAL (3), the field's default.</summary>
    private static sbyte AnyPatternFrom(short version) => version >= 1 ? (sbyte)1 : (sbyte)3;

    [Theory]
    [MemberData(nameof(Versions), 0, 1)]
    public async Task ASaslHandshakeOnAPlaintextListenerIsAnIllegalStateAtEveryVersion(short version)
    {
        var response = await _client.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = "PLAIN" }, version);
        Assert.Equal((short)ErrorCode.IllegalSaslState, response.ErrorCode);
        Assert.True(await _client.IsClosedByBrokerAsync(TimeSpan.FromSeconds(15)));
    }
}

using Fjord.Security.Quotas;

namespace Fjord.Security.Tests.Quotas;

public sealed class ClientQuotaValidationTests
{
    [Theory]
    [InlineData("user", "alice", null, null)]
    [InlineData("client-id", null, null, null)]
    [InlineData("user", null, "client-id", "app")]
    [InlineData("ip", "10.0.0.1", null, null)]
    [InlineData("ip", null, null, null)]
    [InlineData("tenant", "acme", null, null)]
    [InlineData("tenant", null, null, null)]
    [InlineData("tenant", "acme", "user", null)]
    [InlineData("tenant", "acme", "user", "acme.bob")]
    [InlineData("tenant", "acme", "client-id", "app")]
    public void KafkasEntitiesAndTenantScopedOnesAreValid(string type, string? name, string? otherType, string? otherName)
    {
        var entity = otherType is null ? ClientQuotaEntity.Of((type, name)) : ClientQuotaEntity.Of((type, name), (otherType, otherName));
        Assert.Null(ClientQuotaValidation.EntityProblem(entity));
    }

    [Theory]
    [InlineData("ip", "10.0.0.1", "user", "alice", "IP quota should not combine")]
    [InlineData("ip", "not-an-ip", null, null, "Invalid IP address")]
    [InlineData("group", "g", null, null, "Unhandled client quota entity type: group")]
    [InlineData("user", "", null, null, "Empty user not supported")]
    [InlineData("tenant", "acme", "user", "other.bob", "not a user of tenant acme")]
    [InlineData("tenant", null, "user", null, "default tenant entity stands alone")]
    [InlineData("tenant", "Bad_Id", null, null, "Tenant id")]
    public void WrongEntitiesAreRefusedWithAReason(string type, string? name, string? otherType, string? otherName, string reason)
    {
        var entity = otherType is null ? ClientQuotaEntity.Of((type, name)) : ClientQuotaEntity.Of((type, name), (otherType, otherName));
        Assert.Contains(reason, ClientQuotaValidation.EntityProblem(entity));
    }

    [Fact]
    public void IpTakesConnectionCreationRateOnlyAndNothingElseTakesIt()
    {
        var ip = ClientQuotaEntity.Of((ClientQuotaEntity.Ip, null));
        var user = ClientQuotaEntity.Of((ClientQuotaEntity.User, null));
        Assert.Null(ClientQuotaValidation.KeyProblem(ip, ClientQuotaKeys.ConnectionCreationRate));
        Assert.NotNull(ClientQuotaValidation.KeyProblem(ip, ClientQuotaKeys.ProducerByteRate));
        Assert.NotNull(ClientQuotaValidation.KeyProblem(user, ClientQuotaKeys.ConnectionCreationRate));
        Assert.Contains("Invalid configuration key", ClientQuotaValidation.KeyProblem(user, "bytes_per_fortnight"));
    }

    [Theory]
    [InlineData("producer_byte_rate", 0, false)]
    [InlineData("producer_byte_rate", -5, false)]
    [InlineData("producer_byte_rate", 1.5, false)]
    [InlineData("producer_byte_rate", 1048576, true)]
    [InlineData("request_percentage", 0.5, true)]
    [InlineData("controller_mutation_rate", 2.5, true)]
    [InlineData("connection_creation_rate", 3e10, false)]
    [InlineData("connection_creation_rate", 10, true)]
    public void ValuesArePositiveAndWholeWhereKafkaTypesThemSo(string key, double value, bool valid) =>
        Assert.Equal(valid, ClientQuotaValidation.ValueProblem(key, value) is null);

    [Fact]
    public void ComponentOrderDoesNotMatterAndDefaultsDifferFromNames()
    {
        var a = ClientQuotaEntity.Of((ClientQuotaEntity.User, "u"), (ClientQuotaEntity.ClientId, "c"));
        var b = ClientQuotaEntity.Of((ClientQuotaEntity.ClientId, "c"), (ClientQuotaEntity.User, "u"));
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(ClientQuotaEntity.Of((ClientQuotaEntity.User, null)), ClientQuotaEntity.Of((ClientQuotaEntity.User, "")));
        Assert.Equal("{client-id=c, user=<default>}", ClientQuotaEntity.Of((ClientQuotaEntity.User, null), (ClientQuotaEntity.ClientId, "c")).ToString());
    }
}

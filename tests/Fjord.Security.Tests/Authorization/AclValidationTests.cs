using Fjord.Security.Authorization;
using static Fjord.Security.Tests.Authorization.Acls;

namespace Fjord.Security.Tests.Authorization;

public sealed class AclValidationTests
{
    private static readonly AclBinding Valid = AllowTopic("User:alice", AclOperation.Read, "orders", host: "10.0.0.1");

    [Fact]
    public void AConcreteBindingIsValid()
    {
        Assert.Null(AclValidation.ValidateBinding(Valid));
        Assert.Null(AclValidation.ValidateBinding(AllowTopic("User:CN=a,O=b", AclOperation.Write, "o", PatternType.Prefixed, host: "*")));
        Assert.Null(AclValidation.ValidateBinding(AllowTopic("User:alice", AclOperation.Write, "o", host: "::1")));
        Assert.Null(AclValidation.ValidateBinding(Allow("User:alice", AclOperation.Alter, ResourceType.Cluster, "kafka-cluster")));
    }

    public static TheoryData<AclBinding, string> InvalidBindings() => new()
    {
        { Valid with { Pattern = Valid.Pattern with { ResourceType = ResourceType.Any } }, "resource type ANY" },
        { Valid with { Pattern = Valid.Pattern with { ResourceType = ResourceType.Unknown } }, "resource type UNKNOWN" },
        { Valid with { Pattern = Valid.Pattern with { ResourceType = (ResourceType)42 } }, "resource type code 42" },
        { Valid with { Pattern = Valid.Pattern with { PatternType = PatternType.Match } }, "pattern type MATCH" },
        { Valid with { Pattern = Valid.Pattern with { PatternType = PatternType.Any } }, "pattern type ANY" },
        { Valid with { Pattern = Valid.Pattern with { PatternType = PatternType.Unknown } }, "pattern type UNKNOWN" },
        { Valid with { Entry = Valid.Entry with { Operation = AclOperation.Any } }, "operation ANY" },
        { Valid with { Entry = Valid.Entry with { Operation = (AclOperation)99 } }, "operation code 99" },
        { Valid with { Entry = Valid.Entry with { PermissionType = AclPermissionType.Any } }, "permission type ANY" },
        { Valid with { Entry = Valid.Entry with { PermissionType = AclPermissionType.Unknown } }, "permission type UNKNOWN" },
        { Valid with { Pattern = Valid.Pattern with { Name = "" } }, "empty" },
        { Allow("User:alice", AclOperation.Alter, ResourceType.Cluster, "my-cluster"), "kafka-cluster" },
        { Valid with { Entry = Valid.Entry with { Principal = "alice" } }, "Type:Name" },
        { Valid with { Entry = Valid.Entry with { Principal = "User:" } }, "Type:Name" },
        { Valid with { Entry = Valid.Entry with { Host = "broker.example.com" } }, "host" },
        { Valid with { Entry = Valid.Entry with { Host = "10.1" } }, "host" },
        { Valid with { Entry = Valid.Entry with { Host = "" } }, "host" },
    };

    [Theory]
    [MemberData(nameof(InvalidBindings))]
    public void InvalidBindingsAreRefusedSayingWhy(AclBinding binding, string expected)
    {
        var message = AclValidation.ValidateBinding(binding);

        Assert.NotNull(message);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public void FiltersMayUseAnyAndMatch()
    {
        Assert.Null(AclValidation.ValidateFilter(AclBindingFilter.Any));
        Assert.Null(AclValidation.ValidateFilter(AclBindingFilter.Any with { PatternType = PatternType.Match, ResourceName = "orders" }));
        Assert.Null(AclValidation.ValidateFilter(AclBindingFilter.For(Valid)));
    }

    public static TheoryData<AclBindingFilter> InvalidFilters() => new()
    {
        AclBindingFilter.Any with { ResourceType = ResourceType.Unknown },
        AclBindingFilter.Any with { ResourceType = (ResourceType)8 },
        AclBindingFilter.Any with { PatternType = PatternType.Unknown },
        AclBindingFilter.Any with { PatternType = (PatternType)(-1) },
        AclBindingFilter.Any with { Operation = AclOperation.Unknown },
        AclBindingFilter.Any with { Operation = (AclOperation)15 },
        AclBindingFilter.Any with { PermissionType = AclPermissionType.Unknown },
        AclBindingFilter.Any with { PermissionType = (AclPermissionType)4 },
    };

    [Theory]
    [MemberData(nameof(InvalidFilters))]
    public void FiltersWithUnknownOrOutOfRangeCodesAreRefused(AclBindingFilter filter)
    {
        Assert.NotNull(AclValidation.ValidateFilter(filter));
    }
}

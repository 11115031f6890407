namespace Fjord.ControlPlane.Client.Tenants;

/// <summary>A tenant's cap over all its clients, cluster-wide: bytes/s produced and fetched, percent of a request thread, partition mutations/s. Null: no cap.</summary>
public sealed record TenantQuotaCapModel(long? ProducerByteRate = null, long? ConsumerByteRate = null, double? RequestPercentage = null, double? ControllerMutationRate = null);

using Fjord.Functions.Http;
using Fjord.Security.Quotas;

namespace Fjord.Functions.Quotas;

/// <summary>
/// A tenant's cap on the wire, in Kafka's units: bytes per second produced and fetched, percent of one request
/// thread's time, partition mutations per second. Every field must be present; null means no cap, so a PUT replaces all four.
/// </summary>
public sealed record TenantQuotaCapBody(long? ProducerByteRate, long? ConsumerByteRate, double? RequestPercentage, double? ControllerMutationRate) : IRequestBody
{
    public static string Example => """{"producerByteRate": 1048576, "consumerByteRate": 2097152, "requestPercentage": 50, "controllerMutationRate": null} (null: no cap)""";

    public static TenantQuotaCapBody From(IReadOnlyDictionary<string, double> cap)
    {
        ArgumentNullException.ThrowIfNull(cap);
        return new(
            cap.TryGetValue(ClientQuotaKeys.ProducerByteRate, out var produce) ? (long)produce : null,
            cap.TryGetValue(ClientQuotaKeys.ConsumerByteRate, out var consume) ? (long)consume : null,
            cap.TryGetValue(ClientQuotaKeys.RequestPercentage, out var request) ? request : null,
            cap.TryGetValue(ClientQuotaKeys.ControllerMutationRate, out var mutation) ? mutation : null);
    }

    /// <summary>Kafka's keys, each with its value or null to remove it.</summary>
    public IReadOnlyDictionary<string, double?> ToCap() => new Dictionary<string, double?>(StringComparer.Ordinal)
    {
        [ClientQuotaKeys.ProducerByteRate] = ProducerByteRate,
        [ClientQuotaKeys.ConsumerByteRate] = ConsumerByteRate,
        [ClientQuotaKeys.RequestPercentage] = RequestPercentage,
        [ClientQuotaKeys.ControllerMutationRate] = ControllerMutationRate,
    };
}

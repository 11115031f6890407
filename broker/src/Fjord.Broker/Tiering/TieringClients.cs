using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Fjord.Broker.Configuration;
using Fjord.Broker.Storage;

namespace Fjord.Broker.Tiering;

/// <summary>
/// The Azure clients of the remote tier. Each try is bounded by fjord.tiering.request.timeout.ms so
/// an unreachable account fails a try in seconds (the SDK's default is 100 s per try, several tries):
/// uploads then back off on the tier's own schedule and cold reads answer a retriable error.
/// </summary>
public static class TieringClients
{
    public static BlobServiceClient BlobService(StorageClients storage, BrokerConfig config)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(config);
        var options = new BlobClientOptions();
        Bound(options.Retry, config);
        return storage.TieringBlobs(options);
    }

    public static TableServiceClient TableService(StorageClients storage, BrokerConfig config)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(config);
        var options = new TableClientOptions();
        Bound(options.Retry, config);
        return storage.TieringTables(options);
    }

    private static void Bound(Azure.Core.RetryOptions retry, BrokerConfig config)
    {
        retry.NetworkTimeout = TimeSpan.FromMilliseconds(Math.Max(100, config.TieringRequestTimeoutMs));
        retry.MaxRetries = 2;
        retry.Delay = TimeSpan.FromMilliseconds(200);
        retry.MaxDelay = TimeSpan.FromSeconds(2);
    }
}

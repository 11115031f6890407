using Fjord.Tiering;

namespace Fjord.Broker;

/// <summary>
/// Extension points of the composition root that the production program leaves empty. The test host
/// uses them to put crash points around the remote tier (KIP-405 crash-safety tests) without any
/// test-only code or setting in the broker itself.
/// </summary>
public sealed record BrokerStartOptions
{
    /// <summary>What the production broker runs with: no decorator, no hook.</summary>
    public static BrokerStartOptions Default { get; } = new();

    /// <summary>Wraps the remote segment storage (Blob) the remote log manager uploads to, deletes from and reads.</summary>
    public Func<IRemoteStorage, IRemoteStorage>? DecorateRemoteStorage { get; init; }

    /// <summary>Wraps the remote segment manifest (Table) the remote log manager records KIP-405 states in.</summary>
    public Func<IRemoteLogMetadataStore, IRemoteLogMetadataStore>? DecorateRemoteLogMetadataStore { get; init; }

    /// <summary>
    /// Called with the blob name after each file of a segment upload is committed, inside the upload
    /// (where a decorator of the storage cannot reach): a crash here leaves a partly uploaded segment.
    /// </summary>
    public Action<string>? AfterRemoteFileUploaded { get; init; }
}

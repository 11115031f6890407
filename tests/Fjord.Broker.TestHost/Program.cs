using Fjord.Broker;
using Fjord.Broker.Configuration;
using Fjord.Broker.TestHost;

// The broker process as production runs it, plus what only tests may arm: the remote tier's crash
// points, given as the host's own setting and taken out before the broker reads its configuration.
var brokerArgs = new List<string>(args);
TierFaultPoints? faults;
try
{
    faults = TierFaultPoints.Parse(TierFaultPoints.TakeSetting(brokerArgs));
}
catch (ConfigException e)
{
    Console.Error.WriteLine($"fjord-broker-test-host: {e.Message}");
    return 2;
}

var options = faults is null ? BrokerStartOptions.Default : new BrokerStartOptions
{
    DecorateRemoteStorage = storage => new FaultInjectingRemoteStorage(storage, faults),
    DecorateRemoteLogMetadataStore = manifest => new FaultInjectingRemoteLogMetadataStore(manifest, faults),
    AfterRemoteFileUploaded = _ => faults.Hit(TierFaultPoints.UploadMidFiles),
};
return await BrokerProgram.RunAsync([.. brokerArgs], options);

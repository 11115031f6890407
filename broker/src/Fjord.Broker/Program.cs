using Fjord.Broker;
using Fjord.Broker.Configuration;
using Microsoft.Extensions.Logging;

var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
    .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
BrokerConfig config;
try
{
    config = BrokerConfig.Load(args, environment);
}
catch (ConfigException e)
{
    Console.Error.WriteLine($"fjord-broker: {e.Message}");
    return 2;
}

using var loggers = LoggerFactory.Create(b => b
    .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; })
    .SetMinimumLevel(Enum.TryParse<LogLevel>(config.Get("fjord.log.level"), true, out var level) ? level : LogLevel.Information));

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });

KafkaBroker broker;
try
{
    broker = await KafkaBroker.StartAsync(config, loggers, stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    // Stopped while waiting for storage or for the right metadata store: nothing was opened.
    Console.Error.WriteLine("fjord-broker: stopped before it started");
    return 0;
}
catch (Exception e) when (e is ConfigException or IOException or Fjord.Log.LogException or Azure.RequestFailedException or System.Net.Sockets.SocketException or ArgumentException)
{
    Console.Error.WriteLine($"fjord-broker: cannot start: {e.Message}");
    return 1;
}

// Tests and scripts wait for this exact line to learn the bound ports.
Console.WriteLine($"FJORD_BROKER_READY node.id={config.NodeId} listeners={string.Join(',', broker.AdvertisedListeners)}");
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException) { }
await broker.DisposeAsync();
return 0;

using Fjord.Broker.Configuration;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker;

/// <summary>
/// The broker process: configuration from arguments and environment, console logging, SIGTERM and
/// Ctrl-C as a clean stop. Program runs it as is; the test host runs it with its start options.
/// </summary>
public static class BrokerProgram
{
    /// <returns>The exit code: 0 stopped, 1 could not start, 2 bad configuration.</returns>
    public static async Task<int> RunAsync(string[] args, BrokerStartOptions options)
    {
        if (args.Length > 0 && args[0] == Security.LocalSecurityCommand.Verb) return await Security.LocalSecurityCommand.RunAsync(args[1..]);
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
        BrokerConfig config;
        try
        {
            config = BrokerConfig.Load(args, environment);
        }
        catch (ConfigException e)
        {
            await Console.Error.WriteLineAsync($"fjord-broker: {e.Message}");
            return 2;
        }

        using var loggers = LoggerFactory.Create(b => b
            .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; })
            .SetMinimumLevel(Enum.TryParse<LogLevel>(config.Get("fjord.log.level"), true, out var level) ? level : LogLevel.Information)
            // The operator endpoint's probes and scrapes come every few seconds; ASP.NET Core would log each at Information.
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning));

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });

        KafkaBroker broker;
        try
        {
            broker = await KafkaBroker.StartAsync(config, loggers, options, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped while waiting for storage or for the right metadata store: nothing was opened.
            await Console.Error.WriteLineAsync("fjord-broker: stopped before it started");
            return 0;
        }
        catch (Exception e) when (e is ConfigException or IOException or Fjord.Log.LogException or Azure.RequestFailedException or System.Net.Sockets.SocketException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"fjord-broker: cannot start: {e.Message}");
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
    }
}

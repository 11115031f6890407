namespace Fjord.Testing;

/// <summary>
/// A broker process configured the way Azure configures one: environment variables only, no properties file and no
/// --override flag. Owns the process: dispose kills it if a test did not stop it.
/// </summary>
public sealed class EnvironmentConfiguredBroker : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly BrokerChildProcess _process;

    private EnvironmentConfiguredBroker(BrokerChildProcess process) => _process = process;

    public bool HasExited => _process.HasExited;

    public string Output => _process.Output;

    /// <summary>Starts <c>dotnet Fjord.Broker.dll</c> (next to the tests unless <paramref name="entryDll"/>) with exactly <paramref name="environment"/>.</summary>
    public static EnvironmentConfiguredBroker Launch(IReadOnlyDictionary<string, string> environment, string? entryDll = null) =>
        new(BrokerChildProcess.Launch(entryDll ?? Path.Combine(AppContext.BaseDirectory, "Fjord.Broker.dll"), new Dictionary<string, string>(), environment));

    /// <summary>Waits for the broker's ready line; the port of its first listener.</summary>
    public Task<int> WaitForReadyAsync(TimeSpan timeout) => _process.WaitForReadyAsync(timeout);

    /// <summary>SIGTERM and the wait for a clean exit.</summary>
    public Task StopAsync() => _process.StopAsync(StopTimeout);

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}

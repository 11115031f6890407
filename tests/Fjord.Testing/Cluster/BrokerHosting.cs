namespace Fjord.Testing;

/// <summary>Where a <see cref="FjordTestCluster"/> runs its brokers.</summary>
public enum BrokerHosting
{
    /// <summary>In the test process: fast to start, and a test can look inside the broker.</summary>
    InProcess,

    /// <summary>As <c>dotnet &lt;entry dll&gt;</c> processes: a test can SIGKILL, SIGSTOP and restart them.</summary>
    ChildProcess,
}

using Fjord.ControlPlane.Tests.Functions;
using Fjord.Testing;

namespace Fjord.ControlPlane.Tests.Cli;

/// <summary>
/// What a class of <c>fjord</c> command tests on the shared local control plane starts from: the CLI run in-process
/// with its own config folder (never the user's login), a bound on every run, and tenants of its own.
/// </summary>
public abstract class CliCommandTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private readonly string _tenantPrefix;

    /// <param name="tenantPrefix">Starts the ids of the tenants this class makes, so a leftover tells which class made it.</param>
    protected CliCommandTests(ControlPlaneFixture fixture, string tenantPrefix)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        Fixture = fixture;
        _tenantPrefix = tenantPrefix;
        Folder = new TempDirectory("fjord-cli-" + tenantPrefix);
        Cli = new CliRunner(fixture.BaseAddress, fixture.OperatorKey, Folder.Combine("config"));
    }

    protected ControlPlaneFixture Fixture { get; }

    protected TempDirectory Folder { get; }

    protected CliRunner Cli { get; }

    protected CancellationToken Ct => _timeout.Token;

    /// <summary>A new tenant, made through the CLI.</summary>
    protected async Task<string> NewTenantAsync()
    {
        var id = _tenantPrefix + "-" + Guid.NewGuid().ToString("N")[..8];
        var created = await Cli.RunAsync(Ct, "tenant", "create", id);
        Assert.True(created.ExitCode == 0, created.ToString());
        return id;
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        Folder.Dispose();
        _timeout.Dispose();
    }
}

using System.Net.Sockets;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests.LocalRun;

/// <summary>
/// Issue 11, item 8: what a newcomer meets on the first <c>./fjord.sh start</c> — kcat installed,
/// every long step announced, the previous logs kept, data and logs located, a README that
/// needs nothing outside the repository.
/// </summary>
[Collection(LocalRunCollection.Name)]
public sealed partial class NewcomerTests : IAsyncLifetime
{
    private readonly TempDirectory _home = new("fjord-home");
    private readonly int[] _storagePorts = FreePort.Next(3);
    private FjordScript? _script;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_script is not null) await _script.DisposeAsync();
        _home.Dispose();
    }

    private Dictionary<string, string> Ports(int brokers) => new()
    {
        ["FJORD_BROKERS"] = brokers.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["FJORD_BROKER_PORT_BASE"] = FjordScript.FreePortRange(Math.Max(brokers, 1)).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["FJORD_SASL_SSL_PORT_BASE"] = FjordScript.FreePortRange(Math.Max(brokers, 1)).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["FJORD_MTLS_PORT_BASE"] = FjordScript.FreePortRange(Math.Max(brokers, 1)).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["FJORD_BLOB_PORT"] = _storagePorts[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["FJORD_QUEUE_PORT"] = _storagePorts[1].ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["FJORD_TABLE_PORT"] = _storagePorts[2].ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task StartKeepsThePreviousLogsSaysWhereDataAndLogsLiveAndAnnouncesEachStep()
    {
        var logs = _home.Combine("logs");
        Directory.CreateDirectory(logs);
        await File.WriteAllTextAsync(Path.Combine(logs, "broker-0.log"), "the previous run's broker log\n");
        await File.WriteAllTextAsync(Path.Combine(logs, "azurite.log"), "the previous run's Azurite log\n");

        var ports = Ports(1);
        _script = await FjordScript.StartAsync(_home.Path, "start", ports);
        await _script.WaitForOutputAsync("Fjord is running", TimeSpan.FromSeconds(120));

        var output = _script.Output;
        foreach (var step in new[] { "starting Azurite", "waiting for storage", "starting broker 0", "waiting for broker 0 to be ready", "starting the control plane" })
            Assert.True(output.Contains(step, StringComparison.Ordinal), $"fjord.sh start did not say \"{step}\":\n{output}");
        Assert.True(output.Contains($"data in {_home.Path} (FJORD_HOME)", StringComparison.Ordinal), $"fjord.sh start did not say where the data lives:\n{output}");
        Assert.True(output.Contains(logs, StringComparison.Ordinal), $"fjord.sh start did not say where the logs are:\n{output}");

        Assert.Equal("the previous run's broker log\n", await File.ReadAllTextAsync(Path.Combine(logs, "broker-0.log.1")));
        Assert.Equal("the previous run's Azurite log\n", await File.ReadAllTextAsync(Path.Combine(logs, "azurite.log.1")));
        Assert.Contains("FJORD_BROKER_READY", _script.ReadLog("broker-0.log"), StringComparison.Ordinal);

        await AssertTheLocalControlPlaneServesTheCliAsync(ports);

        // `kill PID` (a service manager, a user in another terminal) stops it as Ctrl-C does.
        _script.Signal(FjordScript.SigTerm);
        await _script.AssertNothingLeftAsync(TimeSpan.FromSeconds(90));
        Assert.Contains("Fjord broker 0 stopped cleanly", _script.ReadLog("broker-0.log"), StringComparison.Ordinal);
        Assert.False(File.Exists(_home.Combine("control-plane.env")), "control-plane.env outlived the control plane");
    }

    /// <summary>
    /// Issue 16: start also runs the control plane and says where (control-plane.env, owner-only: it holds the
    /// operator key); `./fjord.sh tenant create` and `./fjord.sh cli` go through it.
    /// </summary>
    private async Task AssertTheLocalControlPlaneServesTheCliAsync(Dictionary<string, string> ports)
    {
        var envFile = _home.Combine("control-plane.env");
        var values = File.ReadAllLines(envFile).Where(l => l.Contains('=', StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..], StringComparer.Ordinal);
        Assert.StartsWith("http://127.0.0.1:", values["FJORD_API_URL"], StringComparison.Ordinal);
        Assert.StartsWith("fjk.", values["FJORD_API_KEY"], StringComparison.Ordinal);
        Assert.Contains(values["FJORD_API_URL"], _script!.Output, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(envFile));

        var created = await RunScriptAsync(ports, "tenant", "create", "newbie");
        Assert.True(created.ExitCode == 0, created.Output + created.Error);
        var properties = File.ReadAllLines(_home.Combine("tenants", "newbie.properties")).Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#'))
            .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..], StringComparer.Ordinal);
        Assert.Equal($"127.0.0.1:{ports["FJORD_SASL_SSL_PORT_BASE"]}", properties["bootstrap.servers"]);
        Assert.Equal("newbie.admin", properties["sasl.username"]);

        var listed = await RunScriptAsync(ports, "cli", "tenant", "list", "--output", "json");
        Assert.True(listed.ExitCode == 0, listed.Output + listed.Error);
        using var document = System.Text.Json.JsonDocument.Parse(listed.Output);
        Assert.Contains(document.RootElement.EnumerateArray(), t => t.GetProperty("id").GetString() == "newbie");
    }

    /// <summary>Runs <c>fjord.sh</c> to completion (with FJORD_SKIP_BUILD=1): its exit code, stdout and stderr.</summary>
    private async Task<(int ExitCode, string Output, string Error)> RunScriptAsync(Dictionary<string, string> ports, params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Find(),
        };
        info.ArgumentList.Add(Path.Combine(RepositoryRoot.Find(), "fjord.sh"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["FJORD_HOME"] = _home.Path;
        info.Environment["FJORD_SKIP_BUILD"] = "1";
        foreach (var (name, value) in ports) info.Environment[name] = value;
        using var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException("could not start fjord.sh");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task StartWritesAClientConfigForItsSaslSslListenerAndPlaintextOffLeavesNoPlaintextPort()
    {
        var environment = Ports(1);
        environment["FJORD_PLAINTEXT"] = "off";
        _script = await FjordScript.StartAsync(_home.Path, "start", environment);
        await _script.WaitForOutputAsync("Fjord is running", TimeSpan.FromSeconds(120));

        var path = _home.Combine("client.properties");
        Assert.Contains(path, _script.Output, StringComparison.Ordinal);
        var properties = File.ReadAllLines(path).Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#'))
            .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..], StringComparer.Ordinal);
        Assert.Equal("SASL_SSL", properties["security.protocol"]);
        Assert.Equal("SCRAM-SHA-512", properties["sasl.mechanism"]);
        Assert.False(await AcceptsConnectionsAsync(int.Parse(environment["FJORD_BROKER_PORT_BASE"], System.Globalization.CultureInfo.InvariantCulture)),
            "FJORD_PLAINTEXT=off left a PLAINTEXT listener");

        var config = new ClientConfig
        {
            BootstrapServers = properties["bootstrap.servers"],
            SecurityProtocol = SecurityProtocol.SaslSsl,
            SaslMechanism = SaslMechanism.ScramSha512,
            SaslUsername = properties["sasl.username"],
            SaslPassword = properties["sasl.password"],
            SslCaLocation = properties["ssl.ca.location"],
        };
        using (var producer = KafkaClients.Producer(new ProducerConfig(config) { Acks = Acks.All, MessageTimeoutMs = 60_000 }))
        {
            for (var i = 0; i < 10; i++)
                await producer.ProduceAsync("secure-local", new Message<byte[], byte[]> { Value = BitConverter.GetBytes(i) });
        }
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig(config)
        {
            GroupId = "secure-local",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).SetLogHandler((_, _) => { }).Build();
        consumer.Subscribe("secure-local");
        var received = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (received < 10 && DateTime.UtcNow < deadline)
            if (consumer.Consume(TimeSpan.FromMilliseconds(500)) is { } record && !record.IsPartitionEOF) received++;
        Assert.Equal(10, received);
        consumer.Close();

        _script.Signal(FjordScript.SigTerm);
        await _script.AssertNothingLeftAsync(TimeSpan.FromSeconds(90));
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.ConnectAsync("127.0.0.1", port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    [Fact]
    public async Task StartInstallsKcatWhenItIsMissing()
    {
        // A PATH with every command of this machine except kcat, apt-get and dotnet; the stand-in
        // apt-get records what it was asked and "installs" kcat, and the stand-in dotnet fails,
        // so nothing is built or started (and nothing of the machine's is installed).
        using var bin = new TempDirectory("fjord-path");
        var calls = bin.Combine("apt-get.calls");
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Directory.Exists(dir)) continue;
            foreach (var file in Directory.EnumerateFiles(dir))
            {
                var name = Path.GetFileName(file);
                if (name is "kcat" or "apt-get" or "sudo" or "dotnet" || File.Exists(bin.Combine(name))) continue;
                File.CreateSymbolicLink(bin.Combine(name), file);
            }
        }
        WriteExecutable(bin.Combine("apt-get"), $"""
            #!/bin/sh
            echo "$*" >> '{calls}'
            case "$*" in *install*kcat*) printf '#!/bin/sh\nexit 0\n' > '{bin.Combine("kcat")}'; chmod +x '{bin.Combine("kcat")}' ;; esac
            """);
        // fjord.sh runs `sudo -n apt-get …` when not root and without a terminal.
        WriteExecutable(bin.Combine("sudo"), "#!/bin/sh\nwhile [ \"${1#-}\" != \"$1\" ]; do shift; done\nexec \"$@\"\n");
        WriteExecutable(bin.Combine("dotnet"), "#!/bin/sh\nexit 1\n");
        var environment = Ports(1);
        environment["PATH"] = bin.Path;

        _script = await FjordScript.StartAsync(_home.Path, "start", environment);
        await Poll.UntilAsync(() => _script.HasExited, TimeSpan.FromSeconds(90), "fjord.sh to give up on the stand-in dotnet");
        await _script.AssertNothingLeftAsync(TimeSpan.FromSeconds(30));

        var asked = File.Exists(calls) ? await File.ReadAllTextAsync(calls) : "";
        Assert.True(asked.Contains("install", StringComparison.Ordinal) && asked.Contains("kcat", StringComparison.Ordinal),
            $"fjord.sh start did not install kcat (apt-get was asked: \"{asked}\"):\n{_script.Output}");
        Assert.Contains("installing kcat", _script.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void TheReadmeNeedsNothingOutsideTheRepositoryAndSaysWhereLogsAndDataLive()
    {
        var root = RepositoryRoot.Find();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));

        Assert.DoesNotContain("../shared", readme, StringComparison.Ordinal);
        foreach (Match link in MarkdownLink().Matches(readme))
        {
            var target = link.Groups[1].Value.Split('#')[0];
            if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal)) continue;
            Assert.True(File.Exists(Path.Combine(root, target)) || Directory.Exists(Path.Combine(root, target)),
                $"README.md links to {target}, which is not in the repository");
        }
        foreach (var fact in new[] { "FJORD_HOME", "broker-0.log.1", "FJORD_SKIP_BUILD", "docs/architecture.md", "client.properties", "FJORD_PLAINTEXT" })
            Assert.Contains(fact, readme, StringComparison.Ordinal);
    }

    private static void WriteExecutable(string path, string text)
    {
        File.WriteAllText(path, text.ReplaceLineEndings("\n") + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();
}

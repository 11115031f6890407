using System.Collections.Concurrent;
using Azure.Data.Tables;
using Fjord.Security.Authentication;
using Fjord.Security.Credentials;
using Fjord.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Security.Tests.Credentials;

/// <summary>Two brokers, each with its own store instance and cache over one table: what one writes, the other serves.</summary>
public sealed class ScramCredentialCacheOnTableStorageTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task ACredentialWrittenOnOneBrokerAuthenticatesOnTheOtherAndItsDeletionIsAnnounced()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        var table = $"c{Guid.NewGuid():N}";
        var brokerA = new TableScramCredentialStore(new TableServiceClient(azurite.ConnectionString), table);
        var brokerB = new TableScramCredentialStore(new TableServiceClient(azurite.ConnectionString), table);
        await brokerA.InitializeAsync(ct);
        var time = new FakeTimeProvider();
        await using var cacheB = new ScramCredentialCache(brokerB, PollInterval, time, NullLogger.Instance);
        var removed = new ConcurrentQueue<string>();
        cacheB.CredentialRemoved += removed.Enqueue;
        await cacheB.StartAsync(ct);

        await brokerA.UpsertAsync("alice", ScramMechanism.ScramSha512, ScramCredentials.Create(ScramMechanism.ScramSha512, "alice-secret", 4096), ct);
        await Poll.UntilAsync(() => Tick(time, () => cacheB.TryGet("alice", ScramMechanism.ScramSha512, out _)), TimeSpan.FromSeconds(60), "alice on broker B");

        var server = new ScramSaslServer(ScramMechanism.ScramSha512, cacheB);
        var client = new ScramSaslClient(ScramMechanism.ScramSha512, "alice", "alice-secret");
        var serverFirst = await server.EvaluateAsync(client.InitialResponse(), ct);
        Assert.True((await server.EvaluateAsync(client.EvaluateChallenge(serverFirst.Challenge)!, ct)).IsComplete);

        await brokerA.DeleteAsync("alice", ScramMechanism.ScramSha512, ct);
        await Poll.UntilAsync(() => Tick(time, () => !removed.IsEmpty), TimeSpan.FromSeconds(60), "alice's removal on broker B");
        Assert.Equal(["alice"], removed);
    }

    private static bool Tick(FakeTimeProvider time, Func<bool> condition)
    {
        if (condition())
            return true;
        time.Advance(PollInterval);
        return false;
    }
}

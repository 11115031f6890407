using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Security.Principals;
using Fjord.Testing;
using Xunit.Abstractions;

namespace Fjord.Broker.Tests.Security;

/// <summary>Three brokers, SASL_SSL between them and to clients, the ACL authorizer on.</summary>
public sealed class RevocationClusterFixture(AzuriteFixture azurite) : SecureClusterFixture(azurite)
{
    protected override string SaslListener => "SASL_SSL";
    protected override int BrokerCount => 3;
    protected override IEnumerable<string> Users => ["bob", "carol"];
}

/// <summary>
/// Revocation reaches live clients on every broker within seconds: a deleted SCRAM credential closes the
/// user's authenticated connections (and a reconnect fails), a deleted ACL refuses the next fetch. The
/// measured times are printed for the report.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class RevocationTests(RevocationClusterFixture fixture, ITestOutputHelper output) : IClassFixture<RevocationClusterFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private FjordTestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task DeletingAUsersScramCredentialsClosesItsSessionsOnEveryBrokerAndItCannotReconnect()
    {
        var topic = "revoke-" + Guid.NewGuid().ToString("N")[..8];
        using (var admin = fixture.Admin())
        {
            // One partition per broker, so bob's producer holds a connection to each.
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = topic,
                NumPartitions = 3,
                ReplicasAssignments = new Dictionary<int, List<int>> { [0] = [0], [1] = [1], [2] = [2] },
            }]);
            await admin.CreateAclsAsync([
                SecureClusterFixture.Binding("User:bob", ResourceType.Topic, topic, AclOperation.Write),
                SecureClusterFixture.Binding("User:bob", ResourceType.Topic, topic, AclOperation.Describe)]);
        }

        using var producer = fixture.Producer("bob");
        for (var partition = 0; partition < 3; partition++)
            await ProduceUntilAcceptedAsync(producer, new TopicPartition(topic, partition));
        await Poll.UntilAsync(() => Enumerable.Range(0, 3).All(b => BobSessions(b) > 0), Generous,
            $"bob to hold an authenticated connection to every broker (sessions: {Sessions()}; leaders: {Leaders(topic)})");

        var clock = Stopwatch.StartNew();
        using (var admin = fixture.Admin())
        {
            await admin.AlterUserScramCredentialsAsync([
                new UserScramCredentialDeletion { User = "bob", Mechanism = ScramMechanism.ScramSha512 },
                new UserScramCredentialDeletion { User = "bob", Mechanism = ScramMechanism.ScramSha256 }]);
        }
        var stored = clock.Elapsed;

        var closedAt = new TimeSpan?[3];
        await Poll.UntilAsync(() =>
        {
            for (var b = 0; b < 3; b++)
                if (closedAt[b] is null && BobSessions(b) == 0) closedAt[b] = clock.Elapsed;
            return closedAt.All(t => t is not null);
        }, Generous, "no connection authenticated as User:bob on any broker");
        output.WriteLine($"SCRAM deletion stored after {stored.TotalMilliseconds:0} ms; bob's sessions gone on brokers 0/1/2 after "
            + string.Join(" / ", closedAt.Select(t => $"{t!.Value.TotalMilliseconds:0} ms")) + " (from the AlterUserScramCredentials call)");
        Assert.All(closedAt, t => Assert.True(t <= Bound, $"bob's sessions outlived the 2 s bound: {t!.Value.TotalMilliseconds:0} ms"));

        // Each broker refuses bob's password from now on.
        for (var b = 0; b < 3; b++)
        {
            // librdkafka reports a failed SASL exchange through the error callback (the request itself only times out).
            Error? refused = null;
            using var again = new ProducerBuilder<string, string>(new ProducerConfig(fixture.ClientConfig("bob", bootstrap: fixture.SaslEndpoint(b))))
                .SetLogHandler((_, _) => { })
                .SetErrorHandler((_, e) => { if (e.Code == ErrorCode.Local_Authentication) refused = e; })
                .Build();
            await Poll.UntilAsync(() => refused is not null, Generous, $"broker {b} to refuse bob's password");
        }
        Assert.All(Enumerable.Range(0, 3), b => Assert.Equal(0, BobSessions(b)));
    }

    [Fact]
    public async Task DeletingAConsumersReadAclFailsItsNextFetchWithTopicAuthorizationFailed()
    {
        var topic = "revoke-read-" + Guid.NewGuid().ToString("N")[..8];
        var group = "carol-" + Guid.NewGuid().ToString("N")[..8];
        var read = SecureClusterFixture.Binding("User:carol", ResourceType.Topic, topic, AclOperation.Read);
        using (var admin = fixture.Admin())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 3 }]);
            await admin.CreateAclsAsync([read, SecureClusterFixture.Binding("User:carol", ResourceType.Group, group, AclOperation.Read)]);
        }
        using (var producer = fixture.Producer(TestSecurity.AdminUser))
        {
            await ProduceUntilAcceptedAsync(producer, new TopicPartition(topic, 0));
        }

        using var consumer = fixture.Consumer("carol", group);
        consumer.Subscribe(topic);
        var clock = new Stopwatch();
        var consumed = 0;
        TimeSpan? refusedAt = null;
        Error? lastError = null;
        using var stop = new CancellationTokenSource();
        var loop = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested && refusedAt is null)
            {
                try
                {
                    if (consumer.Consume(TimeSpan.FromMilliseconds(50)) is not null) Interlocked.Increment(ref consumed);
                }
                catch (ConsumeException e)
                {
                    lastError = e.Error;
                    if (e.Error.Code == ErrorCode.TopicAuthorizationFailed && clock.IsRunning) refusedAt = clock.Elapsed;
                }
            }
        });
        try
        {
            await Poll.UntilAsync(() => Volatile.Read(ref consumed) > 0, Generous, "carol to consume the first record");

            clock.Start();
            using (var admin = fixture.Admin())
            {
                var deleted = await admin.DeleteAclsAsync([new AclBindingFilter
                {
                    PatternFilter = new ResourcePatternFilter { Type = ResourceType.Topic, Name = topic, ResourcePatternType = ResourcePatternType.Literal },
                    EntryFilter = new AccessControlEntryFilter { Principal = "User:carol", Host = "*", Operation = AclOperation.Read, PermissionType = AclPermissionType.Allow },
                }]);
                Assert.Single(deleted[0].AclBindings);
            }
            var stored = clock.Elapsed;

            await Poll.UntilAsync(() => refusedAt is not null, Generous, $"carol's fetch to fail with TOPIC_AUTHORIZATION_FAILED (last error: {lastError})");
            output.WriteLine($"Read ACL deletion stored after {stored.TotalMilliseconds:0} ms; carol's consumer saw TOPIC_AUTHORIZATION_FAILED after {refusedAt!.Value.TotalMilliseconds:0} ms (from the DeleteAcls call)");
            Assert.True(refusedAt <= Bound, $"carol kept reading past the 2 s bound: {refusedAt!.Value.TotalMilliseconds:0} ms");
        }
        finally
        {
            await stop.CancelAsync();
            await loop;
            consumer.Close();
        }
    }

    private string Sessions() => string.Join(" | ", Enumerable.Range(0, 3).Select(b =>
        $"{b}: " + string.Join(",", Cluster.InProcess(b).Sessions.Select(s => $"{s.Listener.Name}/{s.Principal}/{s.AuthenticatedMechanism}"))));

    private string Leaders(string topic)
    {
        using var admin = fixture.Admin();
        return string.Join(",", admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics[0].Partitions.Select(p => $"{p.PartitionId}->{p.Leader}"));
    }

    private int BobSessions(int nodeId) =>
        Cluster.InProcess(nodeId).Sessions.Count(s => s.AuthenticatedMechanism is not null && s.Principal == KafkaPrincipal.User("bob"));

    /// <summary>Produces one record, retrying while the leader or the just-created ACL has not reached every broker yet.</summary>
    private static Task ProduceUntilAcceptedAsync(IProducer<string, string> producer, TopicPartition partition) =>
        Poll.UntilAsync(async () =>
        {
            try
            {
                await producer.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = "v" });
                return true;
            }
            catch (ProduceException<string, string> e) when (e.Error.Code is ErrorCode.TopicAuthorizationFailed or ErrorCode.UnknownTopicOrPart
                or ErrorCode.NotLeaderForPartition or ErrorCode.LeaderNotAvailable or ErrorCode.Local_UnknownPartition or ErrorCode.Local_MsgTimedOut)
            {
                return false;
            }
        }, Generous, $"a record accepted by {partition}");
}

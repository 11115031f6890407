using Fjord.Cluster;
using Fjord.Controller;
using Fjord.Protocol;

namespace Fjord.Broker.Tests.Controller;

public sealed class ClusterControllerTests : IAsyncLifetime
{
    private readonly ControllerTestCluster _cluster = new();

    private CancellationToken Ct => _cluster.Ct;

    public Task InitializeAsync() => _cluster.RegisterAsync(1, 2, 3);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task TheFirstControllerPlacesANewTopicBalancedAndCreatesTheOffsetsTopic()
    {
        var controller = await _cluster.StartControllerAsync(1);
        Assert.True(controller.IsActive);
        Assert.Equal(1, controller.Epoch);

        await _cluster.CreateTopicAsync("orders", partitions: 6, replicationFactor: 3);
        await _cluster.NudgeAsync(controller);

        var states = (await _cluster.Store.ListPartitionStatesAsync(Ct)).Where(s => s.Topic == "orders").ToList();
        Assert.Equal(6, states.Count);
        foreach (var state in states)
        {
            Assert.Equal(3, state.Replicas.Distinct().Count());
            Assert.Equal(state.Replicas[0], state.Leader);
            Assert.Equal(state.Replicas, state.Isr);
            Assert.Equal(0, state.LeaderEpoch);
            Assert.Equal(0, state.PartitionEpoch);
        }

        Assert.All(states.GroupBy(s => s.Leader), g => Assert.Equal(2, g.Count()));
        var offsets = await _cluster.Store.GetTopicAsync(TopicNames.ConsumerOffsets, Ct);
        Assert.Equal(3, offsets!.PartitionCount);
        Assert.Equal((short)3, offsets.ReplicationFactor);
        Assert.Equal(3, (await _cluster.Store.ListPartitionStatesAsync(Ct)).Count(s => s.Topic == TopicNames.ConsumerOffsets));
    }

    [Fact]
    public async Task TheInternalTopicsAreCreatedOnceAcrossTicksAndControllerTerms()
    {
        var counting = new CountingControllerStore(_cluster.Store);
        var first = await _cluster.StartControllerAsync(1, counting, counting);
        await _cluster.StepAsync(3);
        // __consumer_offsets and __transaction_state.
        Assert.Equal(2, counting.Calls(nameof(IMetadataStore.CreateTopicAsync)));

        // The next controller finds it and creates nothing.
        _cluster.Running.Remove(first);
        await first.DisposeAsync();
        var second = await _cluster.StartControllerAsync(2, counting, counting);
        await _cluster.StepUntilAsync(() => Task.FromResult(second.IsActive), 10, "the takeover");
        await _cluster.StepAsync(2);

        Assert.Equal(2, counting.Calls(nameof(IMetadataStore.CreateTopicAsync)));
        Assert.Single(await _cluster.Store.ListTopicsAsync(Ct), t => t.Name == TopicNames.ConsumerOffsets);
    }

    [Fact]
    public async Task ADeadLeaderIsReplacedWithTheNextLeaderEpochOnlyAfterTheSessionTimeout()
    {
        await _cluster.CreateTopicAsync("orders", 1, 3, assignment: [[2, 3, 1]]);
        var controller = await _cluster.StartControllerAsync(1);
        Assert.Equal(2, (await _cluster.StateAsync("orders", 0))!.Leader);

        _cluster.Kill(2);
        await _cluster.StepAsync(5);
        var before = await _cluster.StateAsync("orders", 0);
        Assert.Equal(2, before!.Leader);
        Assert.Equal(0, before.LeaderEpoch);

        await _cluster.StepUntilAsync(async () => (await _cluster.StateAsync("orders", 0))!.Leader != 2, 3, "the failover");
        var after = await _cluster.StateAsync("orders", 0);
        Assert.Equal(3, after!.Leader);
        Assert.Equal(1, after.LeaderEpoch);
        Assert.Equal([3, 1], after.Isr);
        Assert.Equal(1, after.PartitionEpoch);
        Assert.True(controller.IsActive);
    }

    [Fact]
    public async Task ABrokerRestartedWithANewIncarnationLosesItsLeadershipsAndIsrPlacesAtOnce()
    {
        await _cluster.CreateTopicAsync("orders", 2, 3, assignment: [[2, 3, 1], [3, 2, 1]]);
        await _cluster.StartControllerAsync(1);

        // Broker 2 came back as a new process before its lease could lapse.
        await _cluster.RegisterAsync(2);
        await _cluster.StepAsync();

        var led = await _cluster.StateAsync("orders", 0);
        Assert.Equal(3, led!.Leader);
        Assert.Equal(1, led.LeaderEpoch);
        Assert.Equal([3, 1], led.Isr);
        var followed = await _cluster.StateAsync("orders", 1);
        Assert.Equal(3, followed!.Leader);
        Assert.Equal(0, followed.LeaderEpoch);
        Assert.Equal([3, 1], followed.Isr);

        // It is live again, but rejoins an ISR only when its leader adds it: nothing more happens by itself.
        await _cluster.StepAsync(8);
        Assert.Equal(1, (await _cluster.StateAsync("orders", 0))!.PartitionEpoch);
    }

    [Fact]
    public async Task ADeadFollowerLeavesTheIsrWithoutALeaderChange()
    {
        await _cluster.CreateTopicAsync("orders", 1, 3, assignment: [[1, 2, 3]]);
        await _cluster.StartControllerAsync(1);

        _cluster.Kill(3);
        await _cluster.StepUntilAsync(async () => (await _cluster.StateAsync("orders", 0))!.Isr.Count == 2, 8, "the ISR shrink");

        var state = await _cluster.StateAsync("orders", 0);
        Assert.Equal(1, state!.Leader);
        Assert.Equal(0, state.LeaderEpoch);
        Assert.Equal([1, 2], state.Isr);
        Assert.Equal(1, state.PartitionEpoch);
    }

    [Fact]
    public async Task WithEveryIsrMemberDeadThePartitionGoesOfflineAndTheFirstIsrMemberToReturnLeads()
    {
        await _cluster.CreateTopicAsync("orders", 1, 2, assignment: [[2, 3]]);
        await _cluster.StartControllerAsync(1);

        _cluster.Kill(2);
        _cluster.Kill(3);
        await _cluster.StepUntilAsync(async () => (await _cluster.StateAsync("orders", 0))!.Leader == PartitionState.NoLeader, 8, "the partition to go offline");
        // Both died at once: each holds every committed record, so the ISR keeps both and either may lead cleanly.
        var offline = await _cluster.StateAsync("orders", 0);
        Assert.Equal([2, 3], offline!.Isr);

        _cluster.Revive(3);
        await _cluster.StepUntilAsync(async () => (await _cluster.StateAsync("orders", 0))!.Leader == 3, 3, "an ISR member to lead again");
        Assert.Equal([3], (await _cluster.StateAsync("orders", 0))!.Isr);
        Assert.True((await _cluster.StateAsync("orders", 0))!.LeaderEpoch > offline.LeaderEpoch);
    }

    [Fact]
    public async Task TheTopicsUncleanConfigLetsAReplicaOutsideTheIsrLead()
    {
        await _cluster.CreateTopicAsync("lossy", 1, 2, assignment: [[2, 3]], configs: new() { ["unclean.leader.election.enable"] = "true" });
        var controller = await _cluster.StartControllerAsync(1);
        // Broker 3 fell out of the ISR (its leader dropped it), then the leader died.
        var state = (await _cluster.StateAsync("lossy", 0))!;
        Assert.Equal(AlterPartitionStatus.Altered, (await _cluster.Store.AlterPartitionAsync(state with { Isr = [2] }, state.PartitionEpoch, Ct)).Status);
        _cluster.Kill(2);

        await _cluster.StepUntilAsync(async () => (await _cluster.StateAsync("lossy", 0))!.Leader == 3, 9, "the unclean election");
        Assert.Equal([3], (await _cluster.StateAsync("lossy", 0))!.Isr);
        Assert.True(controller.IsActive);
    }

    [Fact]
    public async Task TheSecondControllerTakesOverOnlyAfterTheLeaseLapsesAndTheDeposedOnesWriteIsFenced()
    {
        await _cluster.CreateTopicAsync("orders", 1, 3, assignment: [[3, 1, 2]]);
        var paused = new CountingControllerStore(_cluster.Store);
        var first = await _cluster.StartControllerAsync(1, paused, paused);
        var second = await _cluster.StartControllerAsync(2);
        Assert.True(first.IsActive);
        Assert.False(second.IsActive);
        await _cluster.StepAsync(8);
        Assert.False(second.IsActive);

        // Broker 3 dies; the controller plans the failover but stalls inside its write (a long pause
        // of its whole process, so its broker's heartbeats stop too).
        paused.HoldWrites();
        _cluster.Kill(3);
        _cluster.Running.Remove(first);
        for (var step = 0; !paused.WriteHeld.Task.IsCompleted; step++)
        {
            Assert.True(step < 10, "the first controller never started its write");
            var ticks = first.CompletedTicks;
            await _cluster.StepAsync();
            await Poll(() => paused.WriteHeld.Task.IsCompleted || (first.CompletedTicks > ticks && first.IsWaiting), "the first controller's tick");
        }

        _cluster.Kill(1);
        var steps = await _cluster.StepUntilAsync(() => Task.FromResult(second.IsActive), 10, "the takeover");
        Assert.True(steps >= ControllerTestCluster.Lease.TotalSeconds - 1, $"took over after {steps} s");
        Assert.Equal(2, (await _cluster.Store.GetControllerAsync(Ct))!.Epoch);
        // Broker 1, whose lease lapsed, is dead as of the takeover and leaves the ISR at once; broker 3
        // gets the full session timeout from the new controller.
        var atTakeover = await _cluster.StateAsync("orders", 0);
        Assert.Equal(3, atTakeover!.Leader);
        Assert.Equal([3, 2], atTakeover.Isr);
        await _cluster.StepUntilAsync(async () => (await _cluster.StateAsync("orders", 0))!.Leader == 2, 10, "the new controller's failover");

        paused.ReleaseWrites();
        await Poll(() => paused.WriteOutcomes.Contains(WriteOutcome.Fenced), "the deposed controller's write to be fenced");
        await Poll(() => !first.IsActive, "the deposed controller to step down");
        var state = await _cluster.StateAsync("orders", 0);
        Assert.Equal(1, state!.LeaderEpoch);
        Assert.Equal(2, state.PartitionEpoch);
        await Assert.ThrowsAsync<InvalidOperationException>(() => first.ElectLeadersAsync(ElectionKind.Preferred, null, Ct));
    }

    [Fact]
    public async Task PreferredElectionMovesLeadershipBackOnlyWhenThePreferredReplicaIsLiveAndInSync()
    {
        await _cluster.CreateTopicAsync("orders", 1, 3, assignment: [[2, 1, 3]]);
        var controller = await _cluster.StartControllerAsync(1);
        var key = new TopicPartitionKey("orders", 0);

        var notNeeded = Assert.Single(await controller.ElectLeadersAsync(ElectionKind.Preferred, [key], Ct));
        Assert.Equal(ErrorCode.ElectionNotNeeded, notNeeded.Error);
        Assert.Empty(await controller.ElectLeadersAsync(ElectionKind.Preferred, null, Ct));

        _cluster.Kill(2);
        await _cluster.StepUntilAsync(async () => (await _cluster.StateAsync("orders", 0))!.Leader == 1, 8, "the failover");
        _cluster.Revive(2);
        await _cluster.StepAsync();
        Assert.Equal(ErrorCode.PreferredLeaderNotAvailable, Assert.Single(await controller.ElectLeadersAsync(ElectionKind.Preferred, [key], Ct)).Error);

        // The leader saw broker 2 catch up and put it back in the ISR.
        var state = (await _cluster.StateAsync("orders", 0))!;
        await _cluster.Store.AlterPartitionAsync(state with { Isr = [1, 3, 2] }, state.PartitionEpoch, Ct);
        var elected = Assert.Single(await controller.ElectLeadersAsync(ElectionKind.Preferred, [key], Ct));
        Assert.Equal(ErrorCode.None, elected.Error);
        var after = await _cluster.StateAsync("orders", 0);
        Assert.Equal(2, after!.Leader);
        Assert.Equal(2, after.LeaderEpoch);

        Assert.Equal(ErrorCode.ElectionNotNeeded, Assert.Single(await controller.ElectLeadersAsync(ElectionKind.Unclean, [key], Ct)).Error);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, Assert.Single(await controller.ElectLeadersAsync(ElectionKind.Preferred, [new TopicPartitionKey("nope", 0)], Ct)).Error);
    }

    [Fact]
    public async Task AnUncleanElectionByRequestRevivesAnOfflinePartitionFromAReplicaOutsideTheIsr()
    {
        await _cluster.CreateTopicAsync("orders", 1, 2, assignment: [[2, 3]]);
        var controller = await _cluster.StartControllerAsync(1);
        var key = new TopicPartitionKey("orders", 0);
        var state = (await _cluster.StateAsync("orders", 0))!;
        await _cluster.Store.AlterPartitionAsync(state with { Isr = [2] }, state.PartitionEpoch, Ct);
        _cluster.Kill(2);
        await _cluster.StepUntilAsync(async () => (await _cluster.StateAsync("orders", 0))!.Leader == PartitionState.NoLeader, 8, "the partition to go offline");

        var elected = Assert.Single(await controller.ElectLeadersAsync(ElectionKind.Unclean, null, Ct));
        Assert.Equal(ErrorCode.None, elected.Error);
        var after = (await _cluster.StateAsync("orders", 0))!;
        Assert.Equal(3, after.Leader);
        Assert.Equal([3], after.Isr);

        _cluster.Kill(3);
        await _cluster.StepUntilAsync(async () => (await _cluster.StateAsync("orders", 0))!.Leader == PartitionState.NoLeader, 8, "the partition to go offline again");
        Assert.Equal(ErrorCode.EligibleLeadersNotAvailable, Assert.Single(await controller.ElectLeadersAsync(ElectionKind.Unclean, [key], Ct)).Error);
    }

    [Fact]
    public async Task AutoLeaderRebalanceReturnsLeadershipToThePreferredReplicaEveryCheckInterval()
    {
        await _cluster.CreateTopicAsync("orders", 1, 3, assignment: [[2, 1, 3]]);
        await _cluster.StartControllerAsync(1, tune: o => o with { AutoLeaderRebalanceEnable = true, LeaderImbalanceCheckInterval = TimeSpan.FromSeconds(10) });
        _cluster.Kill(2);
        await _cluster.StepUntilAsync(async () => (await _cluster.StateAsync("orders", 0))!.Leader == 1, 8, "the failover");
        _cluster.Revive(2);
        var state = (await _cluster.StateAsync("orders", 0))!;
        await _cluster.Store.AlterPartitionAsync(state with { Isr = [1, 3, 2] }, state.PartitionEpoch, Ct);

        await _cluster.StepUntilAsync(async () => (await _cluster.StateAsync("orders", 0))!.Leader == 2, 12, "the preferred leader to lead again");
        Assert.Equal(2, (await _cluster.StateAsync("orders", 0))!.LeaderEpoch);
    }

    [Fact]
    public async Task AReassignmentAddsReplicasOutsideTheIsrAndCompletesWhenTheyJoinIt()
    {
        await _cluster.RegisterAsync(4);
        await _cluster.CreateTopicAsync("orders", 1, 3, assignment: [[1, 2, 3]]);
        var controller = await _cluster.StartControllerAsync(1);
        var key = new TopicPartitionKey("orders", 0);

        var started = Assert.Single(await controller.AlterPartitionReassignmentsAsync([(key, [2, 3, 4])], Ct));
        Assert.Equal(ErrorCode.None, started.Error);
        var moving = (await _cluster.StateAsync("orders", 0))!;
        Assert.Equal([2, 3, 4, 1], moving.Replicas);
        Assert.Equal([4], moving.AddingReplicas);
        Assert.Equal([1], moving.RemovingReplicas);
        Assert.Equal([1, 2, 3], moving.Isr);
        Assert.Equal(1, moving.Leader);
        var ongoing = Assert.Single(controller.ListPartitionReassignments(null));
        Assert.Equal([4], ongoing.AddingReplicas);
        Assert.Empty(controller.ListPartitionReassignments([new TopicPartitionKey("other", 0)]));

        // Ticks change nothing until the new replica is in sync.
        await _cluster.StepAsync(2);
        Assert.Equal(moving.PartitionEpoch, (await _cluster.StateAsync("orders", 0))!.PartitionEpoch);

        // Its leader adds broker 4 to the ISR; the controller then drops broker 1, which led.
        await _cluster.Store.AlterPartitionAsync(moving with { Isr = [1, 2, 3, 4] }, moving.PartitionEpoch, Ct);
        await _cluster.StepUntilAsync(async () => !(await _cluster.StateAsync("orders", 0))!.IsReassigning, 2, "the reassignment to complete");
        var done = (await _cluster.StateAsync("orders", 0))!;
        Assert.Equal([2, 3, 4], done.Replicas);
        Assert.Equal([2, 3, 4], done.Isr);
        Assert.Equal(2, done.Leader);
        Assert.Equal(moving.LeaderEpoch + 1, done.LeaderEpoch);
        Assert.Empty(controller.ListPartitionReassignments(null));
    }

    [Fact]
    public async Task ReassignmentRequestsAreValidatedAndACancelRestoresTheOriginalReplicas()
    {
        await _cluster.RegisterAsync(4);
        await _cluster.CreateTopicAsync("orders", 1, 3, assignment: [[1, 2, 3]]);
        var controller = await _cluster.StartControllerAsync(1);
        var key = new TopicPartitionKey("orders", 0);

        var outcomes = await controller.AlterPartitionReassignmentsAsync(
            [(key, [1, 9]), (key, [1, 1]), (key, []), (new TopicPartitionKey("orders", 5), [1]), (key, null)], Ct);
        Assert.Equal(
            [ErrorCode.InvalidReplicaAssignment, ErrorCode.InvalidReplicaAssignment, ErrorCode.InvalidReplicaAssignment, ErrorCode.UnknownTopicOrPartition, ErrorCode.NoReassignmentInProgress],
            outcomes.Select(o => o.Error));

        Assert.Equal(ErrorCode.None, Assert.Single(await controller.AlterPartitionReassignmentsAsync([(key, [4, 2, 3])], Ct)).Error);
        Assert.Equal(ErrorCode.None, Assert.Single(await controller.AlterPartitionReassignmentsAsync([(key, null)], Ct)).Error);
        var reverted = (await _cluster.StateAsync("orders", 0))!;
        Assert.Equal([2, 3, 1], reverted.Replicas);
        Assert.False(reverted.IsReassigning);
        Assert.Equal(1, reverted.Leader);
        Assert.Equal([1, 2, 3], reverted.Isr.Order());
    }

    [Fact]
    public async Task AMinuteWithoutTableStorageDeclaresNobodyDeadWhenItReturns()
    {
        await _cluster.CreateTopicAsync("orders", 1, 3, assignment: [[2, 3, 1]]);
        var store = new CountingControllerStore(_cluster.Store);
        var controller = await _cluster.StartControllerAsync(1, store, store);

        // Nobody can reach storage: the controller cannot renew, and the brokers cannot heartbeat.
        store.Unavailable = true;
        foreach (var id in new[] { 1, 2, 3 })
            _cluster.Kill(id);
        await _cluster.StepAsync(60);
        Assert.False(controller.IsActive);

        // Storage is back; the controller looks before the brokers' next heartbeats land.
        store.Unavailable = false;
        await _cluster.StepUntilAsync(() => Task.FromResult(controller.IsActive), 3, "the controller to renew its lease");
        foreach (var id in new[] { 1, 2, 3 })
            _cluster.Revive(id);
        await _cluster.StepAsync(10);

        var state = await _cluster.StateAsync("orders", 0);
        Assert.Equal(2, state!.Leader);
        Assert.Equal(0, state.PartitionEpoch);
        Assert.Equal(1, controller.Epoch);
    }

    [Fact]
    public async Task AnInactiveControllerRefusesAdminRequests()
    {
        await _cluster.StartControllerAsync(1);
        var standby = await _cluster.StartControllerAsync(2);

        Assert.False(standby.IsActive);
        await Assert.ThrowsAsync<InvalidOperationException>(() => standby.ElectLeadersAsync(ElectionKind.Preferred, null, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => standby.AlterPartitionReassignmentsAsync([], Ct));
        Assert.Empty(standby.ListPartitionReassignments(null));
    }

    [Fact]
    public async Task AnIdleClusterCostsTheHolderTwoReadsATickAndARenewalEveryThirdOfALease()
    {
        var holderStore = new CountingControllerStore(_cluster.Store);
        var standbyStore = new CountingControllerStore(_cluster.Store);
        await _cluster.StartControllerAsync(1, holderStore, holderStore);
        await _cluster.StartControllerAsync(2, standbyStore, standbyStore);
        await _cluster.StepAsync(10);
        holderStore.ResetCounts();
        standbyStore.ResetCounts();

        await _cluster.StepAsync(60);

        // One idle minute. Table requests per call (TableMetadataStore): ListBrokersAsync 1 (one query),
        // GetVersionAsync 1, a renewal 1 (merge guarded by the token's tag), a standby's claim 1 (read):
        // 60*1 + 60*1 + 30*1 = 150 for the holder, 20 for a standby.
        Assert.Equal(60, holderStore.Calls(nameof(IMetadataStore.ListBrokersAsync)));
        Assert.Equal(60, holderStore.Calls(nameof(IMetadataStore.GetVersionAsync)));
        Assert.Equal(30, holderStore.Calls(nameof(IControllerStore.TryClaimControllerAsync)));
        Assert.Equal(3, holderStore.AllCalls.Count);
        Assert.Equal(20, standbyStore.Calls(nameof(IControllerStore.TryClaimControllerAsync)));
        Assert.Single(standbyStore.AllCalls);
    }

    [Fact]
    public async Task AKilledControllersBrokerLosesItsLeadershipsInTheTickThatTakesOverItsLapsedLease()
    {
        await _cluster.CreateTopicAsync("orders", 2, 3, assignment: [[1, 2, 3], [3, 2, 1]]);
        var killed = new CountingControllerStore(_cluster.Store);
        await _cluster.StartControllerAsync(1, killed, killed);
        var second = await _cluster.StartControllerAsync(2);
        await _cluster.StepAsync(3);

        // Process 1 is gone (it reaches the store no more, so it neither renews nor releases); broker 3
        // dies at the same moment.
        killed.Unavailable = true;
        _cluster.Kill(1);
        _cluster.Kill(3);
        var steps = await _cluster.StepUntilAsync(() => Task.FromResult(second.IsActive), 12, "the takeover");

        Assert.InRange(steps, ControllerTestCluster.Lease.TotalSeconds - 1, (ControllerTestCluster.Lease * 1.5).TotalSeconds + 1);
        var led = await _cluster.StateAsync("orders", 0);
        Assert.Equal(2, led!.Leader);
        Assert.Equal(1, led.LeaderEpoch);
        // Broker 3 still gets the full session timeout, counted from the takeover.
        Assert.Equal(3, (await _cluster.StateAsync("orders", 1))!.Leader);
        var after = await _cluster.StepUntilAsync(async () => (await _cluster.StateAsync("orders", 1))!.Leader != 3, 10, "broker 3's failover");
        Assert.True(after >= ControllerTestCluster.Session.TotalSeconds - 1, $"broker 3 declared dead {after} s after the takeover");
        Assert.Equal(2, (await _cluster.StateAsync("orders", 1))!.Leader);
    }

    [Fact]
    public async Task ALapsedControllerWhoseBrokerStillHeartbeatsIsAliveAgainAtTheNextTick()
    {
        await _cluster.CreateTopicAsync("orders", 1, 3, assignment: [[1, 2, 3]]);
        var stuck = new CountingControllerStore(_cluster.Store);
        await _cluster.StartControllerAsync(1, stuck, stuck);
        var second = await _cluster.StartControllerAsync(2);
        await _cluster.StepAsync(3);

        // Only the controller loop of process 1 is cut off; its broker keeps heartbeating.
        stuck.Unavailable = true;
        await _cluster.StepUntilAsync(() => Task.FromResult(second.IsActive), 12, "the takeover");
        Assert.Equal(2, (await _cluster.StateAsync("orders", 0))!.Leader);

        // Presumed dead, it rejoins as soon as its heartbeat moves; the ISR it left is its leader's to restore.
        await _cluster.StepAsync(ControllerTestCluster.Session.Seconds + 2);
        var state = await _cluster.StateAsync("orders", 0);
        Assert.Equal(2, state!.Leader);
        Assert.Equal(1, state.LeaderEpoch);
        Assert.Equal(1, state.PartitionEpoch);
    }

    [Fact]
    public async Task AControllerStoppedCleanlyHandsItsLeaseToTheNextClaimWithoutMovingLeaders()
    {
        await _cluster.CreateTopicAsync("orders", 1, 3, assignment: [[1, 2, 3]]);
        var first = await _cluster.StartControllerAsync(1);
        var second = await _cluster.StartControllerAsync(2);
        await _cluster.StepAsync(3);

        _cluster.Running.Remove(first);
        await first.DisposeAsync();
        Assert.Null(await _cluster.Store.GetControllerAsync(Ct));
        var steps = await _cluster.StepUntilAsync(() => Task.FromResult(second.IsActive), 12, "the takeover");

        // A standby claims every half lease: the takeover needs no lapse.
        Assert.True(steps <= (ControllerTestCluster.Lease / 2).TotalSeconds, $"took over after {steps} s");
        Assert.Equal(2, second.Epoch);
        await _cluster.StepAsync(3);
        var state = await _cluster.StateAsync("orders", 0);
        Assert.Equal(1, state!.Leader);
        Assert.Equal(0, state.PartitionEpoch);
    }

    [Fact]
    public async Task ARestartedControllerBrokerTakesItsOldLeaseBackAtOnceAndItsOldLeadershipsAreRevoked()
    {
        await _cluster.CreateTopicAsync("orders", 2, 3, assignment: [[1, 2, 3], [2, 1, 3]]);
        var killed = new CountingControllerStore(_cluster.Store);
        var old = await _cluster.StartControllerAsync(1, killed, killed);
        var standby = await _cluster.StartControllerAsync(2);
        await _cluster.StepAsync(3);

        // Process 1 crashed and came straight back as a new incarnation.
        killed.Unavailable = true;
        _cluster.Running.Remove(old);
        await _cluster.RegisterAsync(1);
        var restarted = await _cluster.StartControllerAsync(1);

        Assert.True(restarted.IsActive);
        Assert.Equal(2, restarted.Epoch);
        var led = await _cluster.StateAsync("orders", 0);
        Assert.Equal(2, led!.Leader);
        Assert.Equal(1, led.LeaderEpoch);
        Assert.Equal([2, 3], led.Isr);
        Assert.Equal([2, 3], (await _cluster.StateAsync("orders", 1))!.Isr);
        await _cluster.StepAsync(3);
        Assert.False(standby.IsActive);
        Assert.True(restarted.IsActive);
    }

    private static Task Poll(Func<bool> condition, string what) => Fjord.Testing.Poll.UntilAsync(condition, TimeSpan.FromSeconds(20), what);
}

using Fjord.Perf.Groups;

namespace Fjord.Perf.Tests;

public sealed class AssignmentBoardTests
{
    [Fact]
    public void PartitionsSplitWithoutOverlapCoverTheTopicExactlyOnce() =>
        Assert.True(AssignmentBoard.CoversExactlyOnce([[0, 2], [1], [3, 4, 5]], 6));

    [Fact]
    public void APartitionOwnedByTwoMembersIsNotSettled() =>
        Assert.False(AssignmentBoard.CoversExactlyOnce([[0, 1, 2], [2, 3, 4, 5]], 6));

    [Fact]
    public void AnUnownedPartitionIsNotSettled() =>
        Assert.False(AssignmentBoard.CoversExactlyOnce([[0, 1], [3, 4, 5]], 6));

    [Fact]
    public void APartitionTheTopicDoesNotHaveIsNotSettled() =>
        Assert.False(AssignmentBoard.CoversExactlyOnce([[0, 1, 2], [3, 4, 5, 6]], 6));

    [Fact]
    public void MembersAssignedBeforeTheLeaveAreNotSettledUntilReassigned()
    {
        var board = new AssignmentBoard();
        board.Assigned(0, [0, 1]);
        board.Assigned(1, [2, 3]);
        board.Assigned(2, [4, 5]);
        var leave = System.Diagnostics.Stopwatch.GetTimestamp();

        // Member 0 leaves; the survivors still hold their old generation's partitions.
        board.Forget(0);
        Assert.False(board.IsSettled([1, 2], 6, leave, out _));

        // Eager rebalance: every survivor is revoked, then assigned the new split.
        board.Released(1, [2, 3]);
        board.Released(2, [4, 5]);
        board.Assigned(1, [0, 1, 2]);
        Assert.False(board.IsSettled([1, 2], 6, leave, out _));
        board.Assigned(2, [3, 4, 5]);

        Assert.True(board.IsSettled([1, 2], 6, leave, out var settledAt));
        Assert.True(settledAt >= leave);
    }

    [Fact]
    public void AnAssignmentThatMissesTheLeaversPartitionsIsNotSettledEvenIfFresh()
    {
        var board = new AssignmentBoard();
        var since = System.Diagnostics.Stopwatch.GetTimestamp();
        board.Assigned(1, [2, 3]);
        board.Assigned(2, [4, 5]);

        Assert.False(board.IsSettled([1, 2], 6, since, out _));
        Assert.Contains("member 1: [2,3]", board.Describe(), StringComparison.Ordinal);
    }
}

using Fjord.Broker.Fetch;
using Fjord.Protocol;
using Fjord.Security.Principals;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Broker.Tests.Fetch;

/// <summary>On a shared broker a fetch session is its owner's alone: no one else can read from it, advance it or close it.</summary>
public sealed class FetchSessionCacheTests
{
    private static readonly KafkaPrincipal Alice = KafkaPrincipal.User("acme.alice");
    private static readonly KafkaPrincipal Mallory = KafkaPrincipal.User("globex.mallory");

    [Fact]
    public void AnotherPrincipalFindsNoSessionByItsId()
    {
        var cache = new FetchSessionCache(10, new FakeTimeProvider());
        var session = cache.Create(Alice)!;

        Assert.Null(cache.Get(session.Id, Mallory));
        Assert.Same(session, cache.Get(session.Id, Alice));
    }

    [Fact]
    public void AnotherPrincipalCannotCloseOrAdvanceASession()
    {
        var cache = new FetchSessionCache(10, new FakeTimeProvider());
        var session = FetchSessionRequest.Open(cache, new FetchRequest { SessionId = 0, SessionEpoch = 0 }, 12, Alice, out _, out _)!;

        // Mallory's close (epoch -1), re-open (epoch 0) and incremental fetch (epoch 1) all miss Alice's session.
        Assert.Null(FetchSessionRequest.Open(cache, new FetchRequest { SessionId = session.Id, SessionEpoch = -1 }, 12, Mallory, out var closeError, out _));
        Assert.Equal(ErrorCode.None, closeError);
        var reopened = FetchSessionRequest.Open(cache, new FetchRequest { SessionId = session.Id, SessionEpoch = 0 }, 12, Mallory, out _, out _)!;
        Assert.NotEqual(session.Id, reopened.Id);
        Assert.Null(FetchSessionRequest.Open(cache, new FetchRequest { SessionId = session.Id, SessionEpoch = 1 }, 12, Mallory, out var stolen, out _));
        Assert.Equal(ErrorCode.FetchSessionIdNotFound, stolen);

        // Alice's session is untouched: its next epoch is still 1.
        Assert.Same(session, FetchSessionRequest.Open(cache, new FetchRequest { SessionId = session.Id, SessionEpoch = 1 }, 12, Alice, out var error, out var incremental));
        Assert.Equal(ErrorCode.None, error);
        Assert.True(incremental);
    }

    [Fact]
    public void SessionIdsDoNotFollowEachOther()
    {
        var cache = new FetchSessionCache(100, new FakeTimeProvider());
        var ids = Enumerable.Range(0, 50).Select(_ => cache.Create(Alice)!.Id).ToList();
        Assert.Equal(50, ids.Distinct().Count());
        Assert.All(ids, id => Assert.True(id > 0));
        // Sequential ids would make every neighbour a +1; random ones almost never are.
        Assert.True(ids.Zip(ids.Skip(1)).Count(p => p.Second == p.First + 1) < 3);
    }
}

using Fjord.Protocol;

namespace Fjord.Broker.Tests.Protocol;

public sealed partial class EveryAdvertisedVersionTests
{
    [Theory]
    [MemberData(nameof(Versions), 0, 5)]
    public async Task InitProducerIdGivesAnIdempotentProducerANewIdAtEpochZeroAtEveryVersion(short version)
    {
        var first = await _client.SendAsync<InitProducerIdResponse>(new InitProducerIdRequest { TransactionalId = null, TransactionTimeoutMs = 60_000 }, version);
        var second = await _client.SendAsync<InitProducerIdResponse>(new InitProducerIdRequest { TransactionalId = null, TransactionTimeoutMs = 60_000 }, version);

        Assert.Equal((short)ErrorCode.None, first.ErrorCode);
        Assert.Equal((short)ErrorCode.None, second.ErrorCode);
        Assert.True(first.ProducerId >= 0, $"producer id {first.ProducerId}");
        Assert.NotEqual(first.ProducerId, second.ProducerId);
        Assert.Equal(0, first.ProducerEpoch);
        Assert.Equal(0, second.ProducerEpoch);
        Assert.Equal(0, first.ThrottleTimeMs);
    }

    [Theory]
    [MemberData(nameof(Versions), 3, 5)]
    public async Task InitProducerIdWithTheCurrentIdAndEpochStillGivesANewIdAtEpochZeroWithoutATransactionalId(short version)
    {
        // Kafka's coordinator ignores the id and epoch of a non-transactional producer (v3+ fields).
        var current = await _client.SendAsync<InitProducerIdResponse>(new InitProducerIdRequest { TransactionalId = null }, version);

        var again = await _client.SendAsync<InitProducerIdResponse>(
            new InitProducerIdRequest { TransactionalId = null, ProducerId = current.ProducerId, ProducerEpoch = 7 }, version);

        Assert.Equal((short)ErrorCode.None, again.ErrorCode);
        Assert.NotEqual(current.ProducerId, again.ProducerId);
        Assert.Equal(0, again.ProducerEpoch);
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 5)]
    public async Task InitProducerIdWithAnEmptyTransactionalIdIsInvalidButARealOneGetsAnIdAtEveryVersion(short version)
    {
        // Kafka (TransactionCoordinator.handleInitProducerId): an empty transactional id is INVALID_REQUEST.
        var empty = await _client.SendAsync<InitProducerIdResponse>(
            new InitProducerIdRequest { TransactionalId = "", TransactionTimeoutMs = 60_000 }, version);
        Assert.Equal((short)ErrorCode.InvalidRequest, empty.ErrorCode);
        Assert.Equal(-1, empty.ProducerId);
        Assert.Equal(-1, empty.ProducerEpoch);

        // A real one goes to the transaction coordinator and gets a producer id at epoch 0.
        var transactional = await TransactionScenario.InitProducerIdAsync(_client, TransactionScenario.NewTransactionalId($"txn-v{version}"), version);
        Assert.Equal((short)ErrorCode.None, transactional.ErrorCode);
        Assert.True(transactional.ProducerId >= 0, $"producer id {transactional.ProducerId}");
        Assert.Equal(0, transactional.ProducerEpoch);

        // The connection carries on.
        var idempotent = await _client.SendAsync<InitProducerIdResponse>(new InitProducerIdRequest { TransactionalId = null }, version);
        Assert.Equal((short)ErrorCode.None, idempotent.ErrorCode);
        Assert.NotEqual(transactional.ProducerId, idempotent.ProducerId);
    }
}

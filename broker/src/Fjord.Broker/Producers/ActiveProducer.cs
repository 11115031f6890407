namespace Fjord.Broker.Producers;

/// <summary>One producer as a partition leader knows it, for DescribeProducers.</summary>
public sealed record ActiveProducer(long ProducerId, short ProducerEpoch, int LastSequence, long LastTimestamp, int CoordinatorEpoch, long CurrentTxnStartOffset);

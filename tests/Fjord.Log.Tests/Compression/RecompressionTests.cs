using System.Buffers.Binary;
using Fjord.Log.Compression;
using Fjord.Log.Records;
using Fjord.Log.Tests.Support;

namespace Fjord.Log.Tests.Compression;

/// <summary>A topic's compression.type makes the leader store every data batch in that codec, as Kafka's LogValidator does.</summary>
public class RecompressionTests
{
    private static readonly long BaseTimestamp = LogTestContext.Start.ToUnixTimeMilliseconds() - 5_000;

    private static readonly CompressionType[] Codecs = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];

    public static TheoryData<CompressionType, BrokerCompressionType> SourceAndTarget()
    {
        var data = new TheoryData<CompressionType, BrokerCompressionType>();
        foreach (var source in Codecs)
            foreach (var target in Enum.GetValues<BrokerCompressionType>())
                data.Add(source, target);
        return data;
    }

    /// <summary>An idempotent, transactional producer's batch: the header fields a rewrite must keep.</summary>
    private static byte[] ProducerBatch(CompressionType codec, int records = 50, int valueSize = 100, int baseSequence = 1000)
    {
        var batch = RecordBatchBuilder.Build(records, BaseTimestamp, valueSize, codec, i => i * 3);
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(RecordBatch.AttributesOffset), (short)((short)codec | RecordBatch.TransactionalFlagMask));
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(RecordBatch.ProducerIdOffset), 4242);
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(RecordBatch.ProducerEpochOffset), 7);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatch.BaseSequenceOffset), baseSequence);
        RecordBatchBuilder.FixCrc(batch);
        return batch;
    }

    private static byte[] InflatedRecords(byte[] batch)
    {
        var view = new RecordBatch(batch);
        return view.Compression == CompressionType.None ? view.Records.ToArray() : BatchDecompressor.Decompress(view.Compression, view.Records);
    }

    private static List<byte[]> Batches(byte[] log)
    {
        var batches = new List<byte[]>();
        for (var p = 0; p < log.Length;)
        {
            var size = new RecordBatch(log.AsSpan(p)).SizeInBytes;
            batches.Add(log[p..(p + size)]);
            p += size;
        }

        return batches;
    }

    [Theory]
    [MemberData(nameof(SourceAndTarget))]
    public void StoredBatchUsesTheTopicCodecAndKeepsEveryRecordAndHeaderField(CompressionType source, BrokerCompressionType target)
    {
        using var context = new LogTestContext();
        var log = context.Open(LogConfig.Default with { CompressionType = target });
        var produced = ProducerBatch(source);
        var original = produced.ToArray();

        var result = LogTestContext.AppendCommitted(log, produced, epoch: 3);

        var stored = Assert.Single(Batches(LogTestContext.ReadAll(log, 0)));
        var view = new RecordBatch(stored);
        var expectedCodec = target == BrokerCompressionType.Producer ? source : target.ToCodec();
        Assert.Equal(expectedCodec, view.Compression);
        Assert.True(view.IsCrcValid());
        Assert.Equal(0, result.FirstOffset);
        Assert.Equal(49, result.LastOffset);
        Assert.Equal(0, view.BaseOffset);
        Assert.Equal(3, view.PartitionLeaderEpoch);
        var before = new RecordBatch(original);
        Assert.True(view.IsTransactional);
        Assert.False(view.IsControl);
        Assert.Equal(TimestampType.CreateTime, view.TimestampType);
        Assert.Equal(before.ProducerId, view.ProducerId);
        Assert.Equal(before.ProducerEpoch, view.ProducerEpoch);
        Assert.Equal(before.BaseSequence, view.BaseSequence);
        Assert.Equal(before.BaseTimestamp, view.BaseTimestamp);
        Assert.Equal(before.MaxTimestamp, view.MaxTimestamp);
        Assert.Equal(before.RecordsCount, view.RecordsCount);
        Assert.Equal(before.LastOffsetDelta, view.LastOffsetDelta);
        Assert.Equal(InflatedRecords(original), InflatedRecords(stored));
        if (expectedCodec == source)
        {
            // No rewrite: the stored batch is the produced one, byte for byte past the offset and epoch.
            Assert.Equal(original[RecordBatch.MagicOffset..], stored[RecordBatch.MagicOffset..]);
        }
    }

    [Fact]
    public void AMixedPayloadRewritesOnlyTheBatchesInAnotherCodecAndKeepsOffsetsContiguous()
    {
        using var context = new LogTestContext();
        var log = context.Open(LogConfig.Default with { CompressionType = BrokerCompressionType.Zstd });
        var payload = RecordBatchBuilder.Concat(ProducerBatch(CompressionType.Zstd, 10), ProducerBatch(CompressionType.Lz4, 20, baseSequence: 1010), ProducerBatch(CompressionType.None, 30, baseSequence: 1030));

        var result = LogTestContext.AppendCommitted(log, payload);

        Assert.Equal(59, result.LastOffset);
        var stored = Batches(LogTestContext.ReadAll(log, 0));
        Assert.Equal([0L, 10L, 30L], stored.Select(b => new RecordBatch(b).BaseOffset));
        Assert.All(stored, b => Assert.Equal(CompressionType.Zstd, new RecordBatch(b).Compression));
        Assert.All(stored, b => Assert.True(new RecordBatch(b).IsCrcValid()));
        Assert.Equal(60, log.LogEndOffset);
    }

    [Fact]
    public void ControlBatchesAreNeverRecompressed()
    {
        using var context = new LogTestContext();
        var log = context.Open(LogConfig.Default with { CompressionType = BrokerCompressionType.Gzip });
        var marker = RecordBatchBuilder.Build(1, BaseTimestamp);
        BinaryPrimitives.WriteInt16BigEndian(marker.AsSpan(RecordBatch.AttributesOffset), RecordBatch.ControlFlagMask | RecordBatch.TransactionalFlagMask);
        RecordBatchBuilder.FixCrc(marker);
        var original = marker.ToArray();

        log.AppendAsLeader(marker, 0, AppendOrigin.Coordinator);
        log.UpdateHighWatermark(log.LogEndOffset);

        var stored = Assert.Single(Batches(LogTestContext.ReadAll(log, 0)));
        Assert.Equal(CompressionType.None, new RecordBatch(stored).Compression);
        Assert.Equal(original[RecordBatch.MagicOffset..], stored[RecordBatch.MagicOffset..]);
    }

    [Fact]
    public void LogAppendTimeStampsTheRecompressedBatch()
    {
        using var context = new LogTestContext();
        var log = context.Open(LogConfig.Default with { CompressionType = BrokerCompressionType.Snappy, MessageTimestampType = TimestampType.LogAppendTime });

        var result = LogTestContext.AppendCommitted(log, ProducerBatch(CompressionType.Gzip));

        var view = new RecordBatch(Assert.Single(Batches(LogTestContext.ReadAll(log, 0))));
        Assert.Equal(CompressionType.Snappy, view.Compression);
        Assert.Equal(TimestampType.LogAppendTime, view.TimestampType);
        Assert.Equal(context.NowMs, view.MaxTimestamp);
        Assert.Equal(context.NowMs, result.LogAppendTime);
        Assert.True(view.IsCrcValid());
    }

    [Fact]
    public void ABatchThatOutgrowsMaxMessageBytesWhenDecompressedIsRefusedAndNothingIsWritten()
    {
        using var context = new LogTestContext();
        var produced = ProducerBatch(CompressionType.Zstd, records: 200, valueSize: 200);
        var inflatedSize = RecordBatch.HeaderSize + InflatedRecords(produced).Length;
        Assert.True(produced.Length < inflatedSize / 4);
        var log = context.Open(LogConfig.Default with { CompressionType = BrokerCompressionType.Uncompressed, MaxMessageBytes = inflatedSize - 1 });

        var error = Assert.Throws<RecordTooLargeException>(() => log.AppendAsLeader(produced, 0));

        Assert.Contains("after recompression", error.Message);
        Assert.Equal(0, log.LogEndOffset);
        Assert.Empty(LogTestContext.ReadAll(log, 0));
    }

    [Fact]
    public void ACompressedBatchThatDoesNotInflateIsACorruptRecordAndNothingIsWritten()
    {
        using var context = new LogTestContext();
        var log = context.Open(LogConfig.Default with { CompressionType = BrokerCompressionType.Lz4 });
        var produced = ProducerBatch(CompressionType.Zstd);
        produced.AsSpan(RecordBatch.HeaderSize, 8).Fill(0xEE);
        RecordBatchBuilder.FixCrc(produced);

        Assert.Throws<CorruptRecordException>(() => log.AppendAsLeader(produced, 0));
        Assert.Equal(0, log.LogEndOffset);
    }

    [Fact]
    public void ACompressedBatchWhoseRecordCountLiesIsAnInvalidRecordWhenRewritten()
    {
        using var context = new LogTestContext();
        var log = context.Open(LogConfig.Default with { CompressionType = BrokerCompressionType.Uncompressed });
        var produced = ProducerBatch(CompressionType.Gzip, records: 10);
        BinaryPrimitives.WriteInt32BigEndian(produced.AsSpan(RecordBatch.RecordsCountOffset), 11);
        BinaryPrimitives.WriteInt32BigEndian(produced.AsSpan(RecordBatch.LastOffsetDeltaOffset), 10);
        RecordBatchBuilder.FixCrc(produced);

        Assert.Throws<InvalidRecordException>(() => log.AppendAsLeader(produced, 0));
        Assert.Equal(0, log.LogEndOffset);
    }

    [Fact]
    public void TheTopicCodecAndLevelsAreKafkaTopicConfigs()
    {
        var config = LogConfig.FromTopicConfigs(new Dictionary<string, string>
        {
            ["compression.type"] = "zstd",
            ["compression.zstd.level"] = "-7",
            ["compression.lz4.level"] = "17",
            ["compression.gzip.level"] = "1",
        }, LogConfig.Default);

        Assert.Equal(BrokerCompressionType.Zstd, config.CompressionType);
        Assert.Equal(new CompressionLevels(1, 17, -7), config.CompressionLevels);
        Assert.Equal(BrokerCompressionType.Producer, LogConfig.Default.CompressionType);
        Assert.Equal(new CompressionLevels(-1, 9, 3), LogConfig.Default.CompressionLevels);
    }

    [Theory]
    [InlineData("compression.type", "none")]
    [InlineData("compression.type", "Zstd")]
    [InlineData("compression.gzip.level", "0")]
    [InlineData("compression.lz4.level", "18")]
    [InlineData("compression.zstd.level", "-131073")]
    public void BadCompressionConfigsAreRejectedWithTheirName(string name, string value)
    {
        var error = Assert.Throws<ArgumentException>(() => LogConfig.FromTopicConfigs(new Dictionary<string, string> { [name] = value }, LogConfig.Default));
        Assert.Contains(name, error.Message);
    }
}

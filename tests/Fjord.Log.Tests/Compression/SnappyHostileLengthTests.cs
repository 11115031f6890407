using Fjord.Log.Compression;
using Fjord.Log.Records;

namespace Fjord.Log.Tests.Compression;

/// <summary>
/// Payloads Fjord.Fuzz found (target batch), pinned byte for byte. A snappy block starts with its
/// inflated length; both the broker and Snappier allocated that length before inflating, so a
/// producer could make the leader allocate up to 2 GiB (OutOfMemoryException) with a small batch.
/// </summary>
public class SnappyHostileLengthTests
{
    private const int MaxMessageBytes = 1_048_588;

    [Theory]
    // A xerial chunk whose block claims far more than it can hold; the topic stores uncompressed batches.
    [InlineData("00000000000000000000012DFFFFFFFF02444972950002000000040000018BCFE569890008018BCFE569E6FFFFFFFFFFFFFFFFFFFFFFFFFFFF000000059AF1F4F772F70B7FFF9EC90100000001000000E8E401F0E372008C01000CB9073F2F937A5838D3C867DE74B2ED1556C21635BAEF9F4EF0D06D3A5833D979045FADA6780F22961120FDAA577ED962BA59950026000E02011AA0E0A2A98BD4DF9FEFEEDA1404008A0100BA0104017C239AF1F4F772F70B7FFF9EC971C7609506986D790B3D405EBA69A4C45D73BD4E7087186426ABE930B27F54E000267D12B46F4004D92674E659933A86CE3200220036060016FB6E5BAE3DC68BE9605D940078009E0108104A12320B92705B6252489EAFCD9363B801E5559C5FE9FDF936A5A13C22C0D989DC0ED67CF0DBEA53DA47B9A0C2ADC7582D570204683100", CompressionType.None)]
    // A bare snappy block (mangled xerial magic) claiming 1.3 MB from 43 bytes; the topic stores lz4.
    [InlineData("0000000000F4000000000069FFFFFFFF02816DE11B0002000000000000018B800168A20000018BCFE500FFFFFFFFFF40FFFFFFFFFFFFFFFFFF0000000182FE4E4150505900000000010000000100000024228442003A000E28300F9EC793DC289273A0920000F4000000000069FFFFFFFFB8A1F700", CompressionType.Lz4)]
    public void SnappyBlockClaimingAnImpossibleLengthIsACorruptRecordWithoutAllocatingIt(string payloadHex, CompressionType topicCodec)
    {
        var payload = Convert.FromHexString(payloadHex);
        BatchValidator.Validate(payload, MaxMessageBytes); // the validator does not look inside compressed records

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<CorruptRecordException>(() => BatchRecompressor.Recompress(payload, topicCodec, CompressionLevels.Default, MaxMessageBytes).Dispose());
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1 << 20);
    }
}

using Fjord.Log.Compression;
using Fjord.Log.Records;

namespace Fjord.Log.Tests.Compression;

/// <summary>
/// A payload Fjord.Fuzz found (target batch), pinned byte for byte: an lz4 frame declaring 4 MiB
/// blocks made the leader allocate a 4 MiB buffer for a compressed block of a few bytes, whatever
/// the block could inflate to.
/// </summary>
public class Lz4DeclaredBlockSizeTests
{
    private const int MaxMessageBytes = 1_048_588;

    private const string Payload = "00007FAF5BE800FF000001C2FFFFFFFF02602AD5F47F0300000004000001FFFFFFFF07BCF9F37B8F25D74D3C5ABCF9F37B6157EFFF000001FF0000000504224D18FF7FEF005AFFFFFFFF0259FB8C6C0004000000000000018B7FFFFFFE0000018B4AED7C6D871FE0C57C7935E16946A4FFFFFF0000000128B52FFD20200101003E00740016489F35612B21BF4AB9D8E71CFE9C4B1D9118FD48EE1AE0E44F8100000000000000FFFFFF7F0535FFFFFFFF02429AD9F000CF0613BCDC76589CAA9B17AC7FFFFFFFFFFFFFFED8FFFFFFFFFFFFFEFFFFFFFF000080008BCFE569D8FFFFFFFFFFFFFFFFFFFFFFFFFFFF0000002728B52FFD60FA03D127008E01000A0010BEA388075956DBBEA3E5E79F876F2112CEB068D0DF056D1602FFA8008968A78C6F4D9800364FAA08975577018BCFE568F10000018BCFE5694100000000000000000002F500000000004F000000041F8B08000000000004030B61606060395CE0B236F9FA44A7803B0FFBF900005FFFFFFFFF020106E5080003000000000000018BCFE56AA90000018BCFE56AD1FFFFFFFFFFFFFFFFFFFFFFFFFFFF0000000104224D186040821F0000803C00500001283D54CF0613BCDC76589CAA9B17AC2856C1B1EAF6020468310100000000";

    [Fact]
    public void TinyLz4BlockInAFrameDeclaringFourMebibyteBlocksDoesNotAllocateFourMebibytes()
    {
        var payload = Convert.FromHexString(Payload);
        BatchValidator.Validate(payload, MaxMessageBytes);

        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            BatchRecompressor.Recompress(payload, CompressionType.Gzip, CompressionLevels.Default, MaxMessageBytes).Dispose();
        }
        catch (CorruptRecordException)
        {
        }
        catch (InvalidRecordException)
        {
        }

        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1 << 20);
    }
}

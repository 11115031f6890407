namespace Fjord.Fuzz;

/// <summary>
/// One piece of the broker under fuzz. <see cref="Execute"/> swallows the rejections the code
/// documents (and reports them as false); anything that escapes it is a bug.
/// </summary>
internal interface IFuzzTarget
{
    string Name { get; }

    /// <summary>Valid inputs to mutate from, built from real encoders with random field values.</summary>
    List<byte[]> CreateSeeds(Random random);

    /// <summary>Runs one input; true when it was accepted (such inputs may join the corpus).</summary>
    /// <exception cref="FuzzAssertionException">An invariant (round trip, bounds) does not hold.</exception>
    bool Execute(byte[] input);

    /// <summary>What the code under fuzz received for <paramref name="input"/>, when the target reshapes it (hex, for a regression test).</summary>
    string? DescribeInput(byte[] input) => null;
}

/// <summary>The code under fuzz returned, but broke one of the invariants the fuzzer checks.</summary>
internal sealed class FuzzAssertionException(string message) : Exception(message);

using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace Fjord.Fuzz;

/// <summary>
/// The fuzz loop for one target: seeds first, then mutants of the corpus until the budget is
/// spent. Inputs the target accepted sometimes join the corpus, which is the only feedback a
/// coverage-blind fuzzer has and lets mutations stack up past the first checks. Besides
/// exceptions it flags inputs that allocate far more than their size (a lying length prefix)
/// and inputs that run too long (a watchdog thread writes the input and exits).
/// </summary>
internal sealed class FuzzRunner
{
    private const int MaxInputLength = 64 * 1024;
    private const int MaxCorpus = 4096;
    // Parsing may legitimately allocate objects per input byte (an array of one-byte structs),
    // but never megabytes for a few bytes.
    private const long AllocationAllowance = 1 << 20;
    private const long AllocationPerInputByte = 512;
    private static readonly TimeSpan HangTimeout = TimeSpan.FromSeconds(20);

    private readonly IFuzzTarget _target;
    private readonly long _seed;
    private readonly string _crashDirectory;
    private readonly HashSet<string> _signatures = new(StringComparer.Ordinal);
    private byte[]? _current;
    private long _currentStartedTicks;

    public FuzzRunner(IFuzzTarget target, long seed, string crashDirectory)
    {
        _target = target;
        _seed = seed;
        _crashDirectory = crashDirectory;
    }

    public FuzzResult Run(FuzzBudget budget)
    {
        var random = new Random(unchecked((int)(_seed ^ (_seed >> 32))));
        List<byte[]> seeds;
        try
        {
            seeds = _target.CreateSeeds(random);
        }
        catch (Exception e)
        {
            // A codec that cannot read back its own seed is as much a bug as a crash on a mutant.
            RecordCrash([], e);
            return new FuzzResult(_target.Name, 0, 0, TimeSpan.Zero, 0, _signatures.Count);
        }

        var corpus = new List<byte[]>(seeds);
        var mutator = new Mutator(random, MaxInputLength);
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var watchdog = new Thread(() => Watch(stop.Token)) { IsBackground = true, Name = "fuzz-watchdog" };
        watchdog.Start();

        long iterations = 0, accepted = 0;
        foreach (var seed in seeds)
        {
            accepted += RunOne(seed) ? 1 : 0;
            iterations++;
        }

        var nextProgress = TimeSpan.FromSeconds(30);
        while (true)
        {
            if ((iterations & 1023) == 0)
            {
                if (budget.Duration is { } duration && clock.Elapsed >= duration)
                {
                    break;
                }

                if (clock.Elapsed >= nextProgress)
                {
                    nextProgress += TimeSpan.FromSeconds(30);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {_target.Name}: {iterations:N0} inputs, {iterations / clock.Elapsed.TotalSeconds:N0}/s, corpus {corpus.Count}, crashes {_signatures.Count}"));
                }
            }

            if (budget.Iterations is { } limit && iterations >= limit)
            {
                break;
            }

            var input = mutator.Mutate(corpus[random.Next(corpus.Count)], corpus);
            iterations++;
            if (!RunOne(input))
            {
                continue;
            }

            accepted++;
            if (corpus.Count < MaxCorpus)
            {
                if (random.Next(8) == 0)
                {
                    corpus.Add(input);
                }
            }
            else if (random.Next(64) == 0)
            {
                // Keep the seeds; replace an earlier find.
                corpus[seeds.Count + random.Next(MaxCorpus - seeds.Count)] = input;
            }
        }

        stop.Cancel();
        return new FuzzResult(_target.Name, iterations, accepted, clock.Elapsed, corpus.Count, _signatures.Count);
    }

    /// <summary>Runs one saved input with the same checks as the fuzz loop; prints and returns false when it still crashes.</summary>
    public bool Replay(byte[] input)
    {
        var accepted = RunOne(input);
        if (_signatures.Count == 0)
        {
            Console.WriteLine($"{_target.Name}: no crash ({(accepted ? "accepted" : "rejected")})");
        }

        return _signatures.Count == 0;
    }

    private bool RunOne(byte[] input)
    {
        Volatile.Write(ref _current, input);
        Volatile.Write(ref _currentStartedTicks, Stopwatch.GetTimestamp());
        var before = GC.GetAllocatedBytesForCurrentThread();
        bool accepted;
        try
        {
            accepted = _target.Execute(input);
        }
        catch (Exception e)
        {
            RecordCrash(input, e);
            return false;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > AllocationAllowance + (AllocationPerInputByte * input.Length))
        {
            RecordCrash(input, new FuzzAssertionException($"{allocated:N0} bytes allocated for a {input.Length}-byte input"));
            return false;
        }

        return accepted;
    }

    private void RecordCrash(byte[] input, Exception e)
    {
        // One report per distinct failure: the exception type and where it was thrown.
        var signature = e.GetType().FullName + " " + FirstFrame(e);
        if (e is FuzzAssertionException)
        {
            signature = e.GetType().FullName + " " + new string(e.Message.TakeWhile(c => !char.IsDigit(c)).ToArray());
        }

        if (!_signatures.Add(signature))
        {
            return;
        }

        var path = Save(input, "crash");
        Console.WriteLine($"CRASH in {_target.Name}: {signature}");
        Console.WriteLine($"  input ({input.Length} bytes): {path}");
        Console.WriteLine($"  hex: {Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 256)))}{(input.Length > 256 ? "..." : "")}");
        Console.WriteLine($"  replay: --target {_target.Name} --replay {path}");
        if (_target.DescribeInput(input) is { } described)
        {
            Console.WriteLine($"  as the code under fuzz saw it: {described}");
        }

        Console.WriteLine(e.ToString());
    }

    private string Save(byte[] input, string kind)
    {
        Directory.CreateDirectory(_crashDirectory);
        var hash = Convert.ToHexStringLower(SHA256.HashData(input))[..16];
        var path = Path.GetFullPath(Path.Combine(_crashDirectory, $"{_target.Name}-{kind}-{hash}.bin"));
        File.WriteAllBytes(path, input);
        return path;
    }

    private static string FirstFrame(Exception e)
    {
        var trace = e.StackTrace ?? "";
        var line = trace.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        var paren = line.IndexOf('(', StringComparison.Ordinal);
        return paren > 0 ? line[..paren] : line;
    }

    private void Watch(CancellationToken stop)
    {
        while (!stop.WaitHandle.WaitOne(TimeSpan.FromSeconds(1)))
        {
            var started = Volatile.Read(ref _currentStartedTicks);
            var input = Volatile.Read(ref _current);
            if (input is null || Stopwatch.GetElapsedTime(started) < HangTimeout)
            {
                continue;
            }

            var path = Save(input, "hang");
            Console.WriteLine($"HANG in {_target.Name}: one input has run for more than {HangTimeout.TotalSeconds} s");
            Console.WriteLine($"  input ({input.Length} bytes): {path}");
            Console.WriteLine($"  replay: --target {_target.Name} --replay {path}");
            Console.Out.Flush();
            Environment.Exit(1);
        }
    }
}

internal sealed record FuzzResult(string Target, long Iterations, long Accepted, TimeSpan Elapsed, int CorpusSize, int Crashes)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Target}: {Iterations:N0} inputs in {Elapsed.TotalSeconds:N1} s ({Iterations / Math.Max(Elapsed.TotalSeconds, 1e-9):N0}/s), {Accepted:N0} accepted, corpus {CorpusSize}, {Crashes} distinct crash(es)");
}

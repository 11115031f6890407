using System.Globalization;
using Fjord.Fuzz.Targets;

namespace Fjord.Fuzz;

/// <summary>Entry point of the in-process mutation fuzzer; exit 0 clean, 1 a crash was found, 2 bad command line.</summary>
internal static class Program
{
    private const string Usage = """
        usage:
          Fjord.Fuzz [--target all|frame|codecs|batch] [--seconds N | --iterations N] [--seed S] [--crash-dir DIR]
          Fjord.Fuzz --replay FILE --target frame|codecs|batch
        --seconds / --iterations are the budget of the whole run, shared equally by the targets (default 10 s).
        --seed makes the run deterministic (default: from the clock; it is printed so a run can be replayed).
        Crashing inputs are written to --crash-dir (default ./fuzz-crashes) as <target>-crash-<hash>.bin (or -hang-).
        """;

    private static int Main(string[] args)
    {
        FuzzOptions options;
        try
        {
            options = FuzzOptions.Parse(args);
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var targets = CreateTargets(options.Target);
        if (targets is null)
        {
            Console.Error.WriteLine($"unknown target '{options.Target}'");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        if (options.ReplayFile is not null)
        {
            if (targets.Count != 1)
            {
                Console.Error.WriteLine("--replay needs one --target");
                return 2;
            }

            return new FuzzRunner(targets[0], options.Seed, options.CrashDirectory).Replay(File.ReadAllBytes(options.ReplayFile)) ? 0 : 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fuzzing {string.Join(", ", targets.Select(t => t.Name))} with seed {options.Seed} (replay with --seed {options.Seed})"));
        var crashed = false;
        for (var i = 0; i < targets.Count; i++)
        {
            var budget = options.Budget.Share(targets.Count);
            var runner = new FuzzRunner(targets[i], options.Seed + i, options.CrashDirectory);
            var result = runner.Run(budget);
            Console.WriteLine(result.ToString());
            crashed |= result.Crashes > 0;
        }

        return crashed ? 1 : 0;
    }

    private static List<IFuzzTarget>? CreateTargets(string name) => name switch
    {
        "all" => [new FrameTarget(), new CodecTarget(), new BatchTarget()],
        "frame" => [new FrameTarget()],
        "codecs" => [new CodecTarget()],
        "batch" => [new BatchTarget()],
        _ => null,
    };
}

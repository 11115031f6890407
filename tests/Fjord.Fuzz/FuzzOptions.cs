using System.Globalization;

namespace Fjord.Fuzz;

/// <summary>How long a run lasts: a wall-clock time or a number of inputs.</summary>
internal readonly record struct FuzzBudget(TimeSpan? Duration, long? Iterations)
{
    /// <summary>This budget split equally between <paramref name="targets"/> targets.</summary>
    public FuzzBudget Share(int targets) => new(Duration / targets, Iterations / targets);
}

internal sealed record FuzzOptions(string Target, FuzzBudget Budget, long Seed, string CrashDirectory, string? ReplayFile)
{
    public static FuzzOptions Parse(string[] args)
    {
        var target = "all";
        TimeSpan? duration = null;
        long? iterations = null;
        long? seed = null;
        var crashDirectory = "fuzz-crashes";
        string? replay = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new FormatException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--target":
                    target = value;
                    break;
                case "--seconds":
                    duration = TimeSpan.FromSeconds(ParsePositive(args[i], value));
                    break;
                case "--iterations":
                    iterations = ParsePositive(args[i], value);
                    break;
                case "--seed":
                    seed = long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)
                        ? s : throw new FormatException($"--seed: '{value}' is not an integer");
                    break;
                case "--crash-dir":
                    crashDirectory = value;
                    break;
                case "--replay":
                    replay = value;
                    break;
                default:
                    throw new FormatException($"unknown option {args[i]}");
            }

            i++;
        }

        if (duration is not null && iterations is not null)
        {
            throw new FormatException("--seconds and --iterations exclude each other");
        }

        if (duration is null && iterations is null)
        {
            duration = TimeSpan.FromSeconds(10);
        }

        return new FuzzOptions(target, new FuzzBudget(duration, iterations), seed ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), crashDirectory, replay);
    }

    private static long ParsePositive(string option, string value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n : throw new FormatException($"{option}: '{value}' is not a positive integer");
}

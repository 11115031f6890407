using System.Diagnostics;
using Fjord.Broker.Configuration;

namespace Fjord.Broker.TestHost;

/// <summary>
/// Test-only crash points of the remote tier (the test host's <see cref="Setting"/>): when an armed
/// point is hit the process dies at once, so a crash-safety test can stop the broker exactly between
/// two steps of a copy or a deletion and check that the next incarnation repairs the manifest and the
/// container. The names are the contract with the tests.
/// </summary>
public sealed class TierFaultPoints
{
    /// <summary>
    /// The test host's own setting, given like a broker override (<c>--override fjord.test.fault.points=a,b</c>)
    /// so a harness passes it with the rest; the host takes it out before the broker reads its config.
    /// </summary>
    public const string Setting = "fjord.test.fault.points";

    /// <summary><c>AddCopyStartedAsync</c> succeeded: the CopyStarted entry exists, no blob is written yet.</summary>
    public const string AfterCopyStarted = "copy.after-copy-started";

    /// <summary><c>UploadAsync</c> finished: every blob of the segment is there, the entry is still CopyStarted.</summary>
    public const string AfterUpload = "copy.after-upload";

    /// <summary>The CopyStarted→CopyFinished transition succeeded; the local segment is not deleted yet.</summary>
    public const string AfterCopyFinished = "copy.after-copy-finished";

    /// <summary>A transition to DeleteStarted succeeded; none of the segment's blobs is deleted yet.</summary>
    public const string AfterDeleteStarted = "delete.after-delete-started";

    /// <summary>Storage <c>DeleteAsync</c> finished: the blobs are gone, the entry is still DeleteStarted.</summary>
    public const string AfterBlobsDeleted = "delete.after-blobs-deleted";

    /// <summary>A transition to DeleteFinished succeeded; the entry is not removed yet.</summary>
    public const string AfterDeleteFinished = "delete.after-delete-finished";

    /// <summary>During an upload: the segment's first blob is committed, the others are not written yet.</summary>
    public const string UploadMidFiles = "upload.mid-files";

    /// <summary>Every point name, in the order a segment's life reaches them.</summary>
    public static IReadOnlyList<string> All { get; } =
        [AfterCopyStarted, UploadMidFiles, AfterUpload, AfterCopyFinished, AfterDeleteStarted, AfterBlobsDeleted, AfterDeleteFinished];

    private readonly HashSet<string> _armed;
    private readonly Action<string> _crash;

    /// <param name="armed">The points that crash; every one must be in <see cref="All"/>.</param>
    /// <param name="crash">What a hit does; the test host passes <see cref="KillProcess"/>, unit tests record or throw.</param>
    public TierFaultPoints(IEnumerable<string> armed, Action<string> crash)
    {
        ArgumentNullException.ThrowIfNull(armed);
        ArgumentNullException.ThrowIfNull(crash);
        _armed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in armed)
        {
            // A misspelt point would never fire and the test would wait for a death that cannot come.
            if (!All.Contains(name, StringComparer.Ordinal))
                throw new ConfigException($"{Setting}: unknown fault point '{name}' (known: {string.Join(", ", All)})");
            _armed.Add(name);
        }

        _crash = crash;
    }

    public IReadOnlyCollection<string> Armed => _armed;

    /// <summary>The points in a comma-separated config value; null when the value arms none.</summary>
    public static TierFaultPoints? Parse(string? value, Action<string>? crash = null)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return names.Length == 0 ? null : new TierFaultPoints(names, crash ?? KillProcess);
    }

    /// <summary>
    /// Removes every <c>--override</c> of <see cref="Setting"/> from <paramref name="args"/> and returns
    /// the last one's value (null when there is none), the way the broker lets a later override win.
    /// </summary>
    public static string? TakeSetting(List<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var prefix = Setting + "=";
        string? value = null;
        for (var i = 0; i < args.Count - 1;)
        {
            if (args[i] == "--override" && args[i + 1].StartsWith(prefix, StringComparison.Ordinal))
            {
                value = args[i + 1][prefix.Length..];
                args.RemoveRange(i, 2);
            }
            else
            {
                i++;
            }
        }
        return value;
    }

    public bool IsArmed(string point) => _armed.Contains(point);

    /// <summary>Crashes when <paramref name="point"/> is armed; otherwise does nothing.</summary>
    public void Hit(string point)
    {
        if (_armed.Contains(point))
            _crash(point);
    }

    /// <summary>
    /// SIGKILL to this process: no flush, no clean shutdown, as a power cut or OOM kill would leave it.
    /// The one line goes straight to stderr, not through the logger, whose console sink writes on a
    /// background thread that the kill would cut off before it prints.
    /// </summary>
    public static void KillProcess(string point)
    {
        Console.Error.WriteLine($"FJORD_FAULT_POINT {point}: killing the broker process (SIGKILL)");
        Console.Error.Flush();
        Process.GetCurrentProcess().Kill();
    }
}

namespace Fjord.Cli;

/// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and interleave output).</summary>
internal sealed class CallerThreadProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

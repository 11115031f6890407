using System.CommandLine;
using Fjord.ControlPlane.Client.Tenants;

namespace Fjord.Cli;

/// <summary>The four tenant limits as options; one left out is no limit.</summary>
internal sealed class LimitOptions
{
    private readonly Option<int?> _maxTopics = Create<int>("--max-topics", "topics");
    private readonly Option<int?> _maxPartitions = Create<int>("--max-partitions", "partitions over all its topics");
    private readonly Option<long?> _maxRetainedBytes = Create<long>("--max-retained-bytes", "bytes retained over all its topics");
    private readonly Option<int?> _maxConnections = Create<int>("--max-connections", "connections at once");

    public void AddTo(Command command)
    {
        command.Add(_maxTopics);
        command.Add(_maxPartitions);
        command.Add(_maxRetainedBytes);
        command.Add(_maxConnections);
    }

    public TenantLimitsModel Read(ParseResult parsed) =>
        new(parsed.GetValue(_maxTopics), parsed.GetValue(_maxPartitions), parsed.GetValue(_maxRetainedBytes), parsed.GetValue(_maxConnections));

    private static Option<T?> Create<T>(string name, string what) where T : struct, IComparable<T>
    {
        var option = new Option<T?>(name) { Description = $"At most this many {what} (default: no limit)" };
        option.Validators.Add(r =>
        {
            if (TenantCommands.TryGetValue<T?>(r, out var value) && value is { } limit && limit.CompareTo(default) < 0) r.AddError($"{name} must not be negative");
        });
        return option;
    }
}

using System.CommandLine;
using System.Globalization;
using Fjord.ControlPlane.Client;
using Fjord.ControlPlane.Client.Topics;

namespace Fjord.Cli;

/// <summary>
/// <c>fjord topic create|list|get|delete|add-partitions|set-config</c> on a tenant's topics, in its own names, through
/// the control plane's HTTP API. <c>create</c> waits, with progress on stderr, until the controller has elected every
/// partition's leader (the API answers 202 and a status URL when that takes longer than its own wait).
/// </summary>
internal static class TopicCommands
{
    /// <summary>The config <c>--tiered</c> sets: Kafka's switch for tiered storage (Fjord's Blob tier).</summary>
    public const string RemoteStorageConfig = "remote.storage.enable";

    public static Command Build(CliContext cli)
    {
        var topic = new Command("topic", "Create, list, change and delete a tenant's topics (through the control plane's API).");
        topic.Add(Create(cli));
        topic.Add(List(cli));
        topic.Add(Get(cli));
        topic.Add(Delete(cli));
        topic.Add(AddPartitions(cli));
        topic.Add(SetConfig(cli));
        return topic;
    }

    private static Command Create(CliContext cli)
    {
        var name = NameArgument();
        var tenant = TenantOption.Create();
        var partitions = PositiveOption("--partitions", "How many partitions (default 1)", 1);
        var replication = new Option<short>("--replication-factor", "-r") { Description = "Replicas of each partition (default 3; at most the brokers registered)", DefaultValueFactory = _ => 3 };
        replication.Validators.Add(r =>
        {
            if (TenantCommands.TryGetValue<short>(r, out var value) && value < 1) r.AddError("--replication-factor must be at least 1");
        });
        var configs = ConfigOptions.Create("A topic config in Kafka's names, name=value; repeat for more (e.g. --config retention.ms=86400000)");
        var tiered = new Option<bool>("--tiered") { Description = $"Keep the topic's closed segments in the Blob tier ({RemoteStorageConfig}=true)" };
        var wait = new Option<int>("--wait-seconds")
        {
            Description = "Wait up to this long for every partition to have a leader (default 60; 0: do not wait)",
            DefaultValueFactory = _ => 60,
        };
        wait.Validators.Add(r =>
        {
            if (TenantCommands.TryGetValue<int>(r, out var seconds) && seconds < 0) r.AddError("--wait-seconds must not be negative");
        });
        var command = new Command("create", "Create a topic and wait until every partition has a leader, so clients can use it at once.")
        {
            name, tenant, partitions, replication, configs, tiered, wait,
        };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            if (await TenantOption.ResolveAsync(parsed, tenant, client, cli, ct).ConfigureAwait(false) is not { } tenantId) return ExitCodes.Usage;
            var topicName = parsed.GetRequiredValue(name);
            var settings = ConfigOptions.Read(parsed.GetRequiredValue(configs));
            if (parsed.GetValue(tiered))
            {
                if (settings.TryGetValue(RemoteStorageConfig, out var given) && !string.Equals(given, "true", StringComparison.OrdinalIgnoreCase))
                {
                    await cli.Error.WriteLineAsync($"fjord: --tiered contradicts --config {RemoteStorageConfig}={given}").ConfigureAwait(false);
                    return ExitCodes.Usage;
                }
                settings[RemoteStorageConfig] = "true";
            }
            var created = await client.Topics.CreateAsync(tenantId, topicName, parsed.GetValue(partitions), parsed.GetValue(replication), settings, ct).ConfigureAwait(false);
            var verb = created.Created ? "Created" : "Found existing";
            var result = created.Topic;
            if (!created.Ready)
            {
                var seconds = parsed.GetValue(wait);
                if (seconds == 0)
                {
                    await WriteAsync(cli.Output, format, result, $"{verb} topic {topicName} in tenant {tenantId}; its partitions' leaders are being elected "
                        + $"('fjord topic get {topicName}' shows when they are)").ConfigureAwait(false);
                    return ExitCodes.Success;
                }
                result = await WaitForLeadersAsync(cli, client, created, topicName, seconds, ct).ConfigureAwait(false);
                if (result.State != TopicStatus.Ready)
                {
                    await cli.Error.WriteLineAsync($"fjord: topic {topicName} exists, but after {seconds} s only {result.PartitionsWithLeader} of {result.Partitions} "
                        + "partitions have a leader; is a broker running? (the active controller elects them; 'fjord topic get' shows their state)").ConfigureAwait(false);
                    if (format == OutputFormat.Json) await ApiCommand.WriteJsonAsync(cli.Output, result).ConfigureAwait(false);
                    return ExitCodes.Failure;
                }
            }
            await WriteAsync(cli.Output, format, result, $"{verb} topic {topicName} in tenant {tenantId}: {result.Partitions} partition(s), "
                + $"replication factor {result.ReplicationFactor}, every partition has a leader").ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    /// <summary>Follows the create's status URL, saying on stderr what it waits for whenever that changes, and every 10 s regardless.</summary>
    private static Task<TopicModel> WaitForLeadersAsync(CliContext cli, ControlPlaneClient client, CreatedTopicModel created, string topicName, int seconds, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var lastSaid = DateTimeOffset.MinValue;
        var lastCount = -1;
        cli.Error.WriteLine($"Waiting up to {seconds} s for the controller to elect a leader for each of topic {topicName}'s {created.Topic.Partitions} partition(s)");
        var progress = new CallerThreadProgress<TopicModel>(t =>
        {
            var now = DateTimeOffset.UtcNow;
            var count = t.PartitionsWithLeader;
            if (count == lastCount && now - lastSaid < TimeSpan.FromSeconds(10)) return;
            (lastCount, lastSaid) = (count, now);
            cli.Error.WriteLine($"  {count} of {t.Partitions} partition(s) have a leader ({(int)(now - started).TotalSeconds} s)");
        });
        return client.Topics.WaitUntilReadyAsync(created.StatusLocation, TimeSpan.FromSeconds(seconds), progress, ct: ct);
    }

    private static Command List(CliContext cli)
    {
        var tenant = TenantOption.Create();
        var command = new Command("list", "List a tenant's topics: name, partitions, replication factor, configs.") { tenant };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            if (await TenantOption.ResolveAsync(parsed, tenant, client, cli, ct).ConfigureAwait(false) is not { } tenantId) return ExitCodes.Usage;
            var topics = new List<TopicModel>();
            await foreach (var t in client.Topics.ListAllAsync(tenantId, ct: ct).ConfigureAwait(false)) topics.Add(t);
            if (format == OutputFormat.Json) await ApiCommand.WriteJsonAsync(cli.Output, topics).ConfigureAwait(false);
            else if (topics.Count == 0) await cli.Output.WriteLineAsync($"Tenant {tenantId} has no topics").ConfigureAwait(false);
            else await TextTable.WriteAsync(cli.Output, ["NAME", "PARTITIONS", "REPLICATION FACTOR", "CONFIGS"],
                topics.Select(t => new[] { t.Name, Number(t.Partitions), Number(t.ReplicationFactor), Configs(t.Configs) })).ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Get(CliContext cli)
    {
        var name = NameArgument();
        var tenant = TenantOption.Create();
        var command = new Command("get", "Show a topic: its state, configs and each partition's leader, replicas and in-sync replicas.") { name, tenant };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            if (await TenantOption.ResolveAsync(parsed, tenant, client, cli, ct).ConfigureAwait(false) is not { } tenantId) return ExitCodes.Usage;
            var topicName = parsed.GetRequiredValue(name);
            if (await client.Topics.GetAsync(tenantId, topicName, ct).ConfigureAwait(false) is not { } t)
            {
                await cli.Error.WriteLineAsync($"fjord: tenant {tenantId} has no topic {topicName}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            if (format == OutputFormat.Json)
            {
                await ApiCommand.WriteJsonAsync(cli.Output, t).ConfigureAwait(false);
                return ExitCodes.Success;
            }
            await TextTable.WriteFieldsAsync(cli.Output,
            [
                ("name", t.Name), ("topic id", t.TopicId.ToString()), ("state", t.State?.ToString().ToLowerInvariant() ?? "-"),
                ("partitions", Number(t.Partitions)), ("replication factor", Number(t.ReplicationFactor)), ("configs", Configs(t.Configs)),
            ]).ConfigureAwait(false);
            if (t.PartitionStates is { Count: > 0 } states)
            {
                await cli.Output.WriteLineAsync().ConfigureAwait(false);
                await TextTable.WriteAsync(cli.Output, ["PARTITION", "LEADER", "LEADER EPOCH", "REPLICAS", "ISR"], states.Select(p => new[]
                {
                    Number(p.Partition), p.Leader < 0 ? "none" : Number(p.Leader), Number(p.LeaderEpoch), string.Join(',', p.Replicas), string.Join(',', p.Isr),
                })).ConfigureAwait(false);
            }
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Delete(CliContext cli)
    {
        var name = NameArgument();
        var tenant = TenantOption.Create();
        var command = new Command("delete", "Delete a topic; the brokers then remove its partitions' data.") { name, tenant };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            if (await TenantOption.ResolveAsync(parsed, tenant, client, cli, ct).ConfigureAwait(false) is not { } tenantId) return ExitCodes.Usage;
            var topicName = parsed.GetRequiredValue(name);
            if (!await client.Topics.DeleteAsync(tenantId, topicName, null, ct).ConfigureAwait(false))
            {
                await cli.Error.WriteLineAsync($"fjord: tenant {tenantId} has no topic {topicName}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            if (format == OutputFormat.Json) await ApiCommand.WriteJsonAsync(cli.Output, new DeletedTopic(topicName, "deleted")).ConfigureAwait(false);
            else await cli.Output.WriteLineAsync($"Deleted topic {topicName} of tenant {tenantId}; the brokers remove its data").ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command AddPartitions(CliContext cli)
    {
        var name = NameArgument();
        var tenant = TenantOption.Create();
        var count = PositiveOption("--partitions", "The topic's new partition count in all (more than it has; Kafka's CreatePartitions)", null);
        count.Aliases.Add("--count");
        count.Required = true;
        var command = new Command("add-partitions", "Grow a topic to more partitions (records already written keep their partition).") { name, tenant, count };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            if (await TenantOption.ResolveAsync(parsed, tenant, client, cli, ct).ConfigureAwait(false) is not { } tenantId) return ExitCodes.Usage;
            var t = await client.Topics.AddPartitionsAsync(tenantId, parsed.GetRequiredValue(name), parsed.GetValue(count), null, ct).ConfigureAwait(false);
            await WriteAsync(cli.Output, format, t, $"Topic {t.Name} of tenant {tenantId} has {t.Partitions} partitions").ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command SetConfig(CliContext cli)
    {
        var name = NameArgument();
        var tenant = TenantOption.Create();
        var configs = ConfigOptions.Create("Set this config, name=value; repeat for more. Configs not named keep their value");
        var remove = new Option<string[]>("--delete-config") { Description = "Return this config to the broker default; repeat for more", Arity = ArgumentArity.ZeroOrMore, DefaultValueFactory = _ => [] };
        var command = new Command("set-config", "Change some of a topic's configs, keeping the others (guarded by the topic's ETag: a concurrent change is refused, not overwritten).")
        {
            name, tenant, configs, remove,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(configs) is not { Length: > 0 } && r.GetValue(remove) is not { Length: > 0 }) r.AddError("Name a change: --config name=value or --delete-config name");
        });
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            if (await TenantOption.ResolveAsync(parsed, tenant, client, cli, ct).ConfigureAwait(false) is not { } tenantId) return ExitCodes.Usage;
            var topicName = parsed.GetRequiredValue(name);
            if (await client.Topics.GetAsync(tenantId, topicName, ct).ConfigureAwait(false) is not { } current)
            {
                await cli.Error.WriteLineAsync($"fjord: tenant {tenantId} has no topic {topicName}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            // The API replaces the whole set; merging here and sending If-Match makes a concurrent change a 412, not a lost update.
            var merged = new Dictionary<string, string>(current.Configs, StringComparer.Ordinal);
            foreach (var (key, value) in ConfigOptions.Read(parsed.GetRequiredValue(configs))) merged[key] = value;
            foreach (var key in parsed.GetRequiredValue(remove)) merged.Remove(key.Trim());
            var t = await client.Topics.SetConfigsAsync(tenantId, topicName, merged, current.ETag, ct).ConfigureAwait(false);
            await WriteAsync(cli.Output, format, t, $"Topic {t.Name} of tenant {tenantId}: {(t.Configs.Count == 0 ? "no config overrides" : Configs(t.Configs))}").ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static async Task WriteAsync(TextWriter output, OutputFormat format, TopicModel topic, string text)
    {
        if (format == OutputFormat.Json) await ApiCommand.WriteJsonAsync(output, topic).ConfigureAwait(false);
        else await output.WriteLineAsync(text).ConfigureAwait(false);
    }

    private static Argument<string> NameArgument() => new("name") { Description = "The topic's name in the tenant (Kafka's rules: letters, digits, '.', '_', '-')" };

    private static Option<int> PositiveOption(string name, string description, int? defaultValue)
    {
        var option = new Option<int>(name) { Description = description };
        if (defaultValue is { } value) option.DefaultValueFactory = _ => value;
        option.Validators.Add(r =>
        {
            if (TenantCommands.TryGetValue<int>(r, out var given) && given < 1) r.AddError($"{name} must be at least 1");
        });
        return option;
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Configs(IReadOnlyDictionary<string, string> configs) =>
        configs.Count == 0 ? "-" : string.Join(", ", configs.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Key + "=" + c.Value));

    /// <summary>What <c>--output json</c> says of a delete.</summary>
    private sealed record DeletedTopic(string Name, string State);
}

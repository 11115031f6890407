using System.CommandLine;
using System.Globalization;
using Fjord.ControlPlane.Client.Tenants;

namespace Fjord.Cli;

/// <summary><c>fjord tenant quotas ID</c> and <c>fjord tenant set-quotas ID --producer-byte-rate …</c>: a tenant's cap over all its clients.</summary>
internal static class TenantQuotaCommands
{
    public static Command Show(CliContext cli)
    {
        var id = TenantCommands.IdArgument();
        var command = new Command("quotas", "Show a tenant's quota cap and the quotas it set on its own users and client ids.") { id };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            await WriteAsync(cli, format, await client.Tenants.GetQuotasAsync(parsed.GetRequiredValue(id), ct).ConfigureAwait(false)).ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    public static Command Set(CliContext cli)
    {
        var id = TenantCommands.IdArgument();
        var produce = Rate<long>("--producer-byte-rate", "Bytes per second all the tenant's producers may write, cluster-wide");
        var consume = Rate<long>("--consumer-byte-rate", "Bytes per second all the tenant's consumers may fetch, cluster-wide");
        var request = Rate<double>("--request-percentage", "Percent of one request thread's time the tenant's clients may take on each broker");
        var mutation = Rate<double>("--controller-mutation-rate", "Partitions per second the tenant may create or delete");
        var command = new Command("set-quotas", "Replace a tenant's quota cap (Kafka's units); a quota left out is removed.") { id, produce, consume, request, mutation };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            var cap = new TenantQuotaCapModel(parsed.GetValue(produce), parsed.GetValue(consume), parsed.GetValue(request), parsed.GetValue(mutation));
            await WriteAsync(cli, format, await client.Tenants.SetQuotasAsync(parsed.GetRequiredValue(id), cap, ct).ConfigureAwait(false)).ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Option<T?> Rate<T>(string name, string description) where T : struct, IComparable<T>
    {
        var option = new Option<T?>(name) { Description = description + " (default: none)" };
        option.Validators.Add(r =>
        {
            if (TenantCommands.TryGetValue<T?>(r, out var value) && value is { } rate && rate.CompareTo(default) <= 0) r.AddError($"{name} must be positive");
        });
        return option;
    }

    private static async Task WriteAsync(CliContext cli, OutputFormat format, TenantQuotasModel quotas)
    {
        if (format == OutputFormat.Json)
        {
            await ApiCommand.WriteJsonAsync(cli.Output, quotas).ConfigureAwait(false);
            return;
        }
        var cap = quotas.Cap;
        await cli.Output.WriteLineAsync($"Tenant {quotas.Tenant} cap: producer_byte_rate {Value(cap.ProducerByteRate)}, consumer_byte_rate {Value(cap.ConsumerByteRate)}, "
            + $"request_percentage {Value(cap.RequestPercentage)}, controller_mutation_rate {Value(cap.ControllerMutationRate)}").ConfigureAwait(false);
        foreach (var entity in quotas.Entities)
        {
            var who = string.Join(", ", entity.Entity.Select(c => $"{c.Key}={c.Value ?? "<default>"}"));
            var values = string.Join(", ", entity.Quotas.Select(q => $"{q.Key} {q.Value.ToString(CultureInfo.InvariantCulture)}"));
            await cli.Output.WriteLineAsync($"  {who}: {values}").ConfigureAwait(false);
        }
    }

    private static string Value<T>(T? value) where T : struct, IFormattable =>
        value is { } v ? v.ToString(null, CultureInfo.InvariantCulture) : "none";
}

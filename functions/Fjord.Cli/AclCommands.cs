using System.CommandLine;
using Fjord.ControlPlane.Client;
using Fjord.ControlPlane.Client.Acls;

namespace Fjord.Cli;

/// <summary>
/// <c>fjord acl add|list|remove</c>: a tenant's ACLs in its own names (<c>User:app1</c>, topic <c>orders</c>) through
/// the control plane's HTTP API, with kafka-acls' options. <c>add</c> makes one binding per resource and operation
/// named; <c>remove</c> deletes what the options match (it must name something).
/// </summary>
internal static class AclCommands
{
    public static Command Build(CliContext cli)
    {
        var acl = new Command("acl", "Add, list and remove a tenant's ACLs (through the control plane's API; the brokers apply them within seconds).");
        acl.Add(Add(cli));
        acl.Add(List(cli));
        acl.Add(Remove(cli));
        return acl;
    }

    private static Command Add(CliContext cli)
    {
        var tenant = TenantOption.Create();
        var principal = PrincipalOption();
        principal.Required = true;
        var operations = OperationsOption();
        var resources = new AclResourceOptions();
        var host = new Option<string>("--host") { Description = "The client host the ACL applies to (default '*': any)", DefaultValueFactory = _ => "*" };
        var deny = new Option<bool>("--deny") { Description = "Deny rather than allow (a deny wins over any allow)" };
        var command = new Command("add", "Allow (or with --deny, deny) a principal operations on resources: one ACL per resource and operation.")
        {
            tenant, principal, operations, host, deny,
        };
        resources.AddTo(command);
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            var named = resources.Read(parsed);
            if (named.Count == 0 || parsed.GetRequiredValue(operations).Length == 0) return await NothingNamedAsync(cli).ConfigureAwait(false);
            if (await TenantOption.ResolveAsync(parsed, tenant, client, cli, ct).ConfigureAwait(false) is not { } tenantId) return ExitCodes.Usage;
            var pattern = resources.Prefixed(parsed) ? "Prefixed" : "Literal";
            var permission = parsed.GetValue(deny) ? "Deny" : "Allow";
            var bindings = (from resource in named
                            from operation in parsed.GetRequiredValue(operations)
                            select new AclBindingModel(resource.Type, resource.Name, parsed.GetRequiredValue(principal)!, operation, pattern, parsed.GetRequiredValue(host), permission)).ToList();
            var results = await client.Acls.CreateAsync(tenantId, bindings, ct).ConfigureAwait(false);
            if (format == OutputFormat.Json) await ApiCommand.WriteJsonAsync(cli.Output, results).ConfigureAwait(false);
            else await WriteTableAsync(cli.Output, results, withCreated: true).ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command List(CliContext cli)
    {
        var tenant = TenantOption.Create();
        var principal = PrincipalOption();
        var operations = OperationsOption();
        var resources = new AclResourceOptions();
        var command = new Command("list", "List a tenant's ACLs, all of them or those matching the options.") { tenant, principal, operations };
        resources.AddTo(command);
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            if (await TenantOption.ResolveAsync(parsed, tenant, client, cli, ct).ConfigureAwait(false) is not { } tenantId) return ExitCodes.Usage;
            var found = new List<AclBindingModel>();
            foreach (var filter in Filters(parsed, principal, operations, resources))
                foreach (var binding in await client.Acls.ListAsync(tenantId, filter, ct).ConfigureAwait(false))
                    if (!found.Contains(binding)) found.Add(binding);
            if (format == OutputFormat.Json) await ApiCommand.WriteJsonAsync(cli.Output, found).ConfigureAwait(false);
            else if (found.Count == 0) await cli.Output.WriteLineAsync($"Tenant {tenantId} has no ACLs that match").ConfigureAwait(false);
            else await WriteTableAsync(cli.Output, found, withCreated: false).ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Remove(CliContext cli)
    {
        var tenant = TenantOption.Create();
        var principal = PrincipalOption();
        var operations = OperationsOption();
        var resources = new AclResourceOptions();
        var all = new Option<bool>("--all") { Description = "Remove every ACL of the tenant (but its admin's)" };
        var command = new Command("remove", "Remove the tenant's ACLs that match the options (at least one, or --all); prints what was removed.") { tenant, principal, operations, all };
        resources.AddTo(command);
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            var filters = Filters(parsed, principal, operations, resources);
            var everything = parsed.GetValue(all);
            if (everything == filters.Any(f => f != AclFilterModel.Any))
            {
                await cli.Error.WriteLineAsync("fjord: name what to remove (--principal, --operation, --topic, --group, --transactional-id, --cluster), or --all, not both").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            if (everything) filters = [new AclFilterModel(ResourceType: "Any")];
            if (await TenantOption.ResolveAsync(parsed, tenant, client, cli, ct).ConfigureAwait(false) is not { } tenantId) return ExitCodes.Usage;
            var removed = new List<AclBindingModel>();
            foreach (var filter in filters) removed.AddRange(await client.Acls.DeleteAsync(tenantId, filter, ct).ConfigureAwait(false));
            if (format == OutputFormat.Json) await ApiCommand.WriteJsonAsync(cli.Output, removed).ConfigureAwait(false);
            else if (removed.Count == 0) await cli.Output.WriteLineAsync($"Tenant {tenantId} has no ACLs that match; nothing was removed").ConfigureAwait(false);
            else await WriteTableAsync(cli.Output, removed, withCreated: false).ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    /// <summary>One filter per resource and operation named (the API's filter takes one of each); one that matches all when nothing is named.</summary>
    private static List<AclFilterModel> Filters(ParseResult parsed, Option<string?> principal, Option<string[]> operations, AclResourceOptions resources)
    {
        var pattern = resources.Prefixed(parsed) ? "Prefixed" : null;
        var named = resources.Read(parsed).Select(r => ((string?)r.Type, (string?)r.Name)).DefaultIfEmpty((null, null));
        var ops = parsed.GetValue(operations) is { Length: > 0 } given ? given.Select(o => (string?)o) : [null];
        return [.. from resource in named
                   from operation in ops
                   select new AclFilterModel(resource.Item1, resource.Item2, resource.Item1 is null ? null : pattern, parsed.GetValue(principal), Operation: operation)];
    }

    private static async Task<int> NothingNamedAsync(CliContext cli)
    {
        await cli.Error.WriteLineAsync("fjord: name at least one --operation and one resource (--topic, --group, --transactional-id or --cluster)").ConfigureAwait(false);
        return ExitCodes.Usage;
    }

    private static Task WriteTableAsync(TextWriter output, IReadOnlyList<AclBindingModel> bindings, bool withCreated)
    {
        string[] header = ["PRINCIPAL", "PERMISSION", "OPERATION", "RESOURCE TYPE", "RESOURCE NAME", "PATTERN", "HOST"];
        var rows = bindings.Select(b => (IReadOnlyList<string>)[b.Principal, b.Permission, b.Operation, b.ResourceType, b.ResourceName, b.PatternType, b.Host,
            .. withCreated ? [b.Created == false ? "existed" : "added"] : Array.Empty<string>()]);
        return TextTable.WriteAsync(output, withCreated ? [.. header, "RESULT"] : header, rows);
    }

    private static Option<string?> PrincipalOption() => new("--principal")
    {
        Description = "User:<name> in the tenant's names (User:app1; User:* is every user of the tenant)",
    };

    private static Option<string[]> OperationsOption() => new("--operation")
    {
        Description = "Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite or All; repeat for more",
        Arity = ArgumentArity.ZeroOrMore,
        DefaultValueFactory = _ => [],
    };
}

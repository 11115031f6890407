namespace Fjord.Broker.Security;

/// <summary>
/// <c>Fjord.Broker security-init-local --dir D --client-properties F --hosts h,… --bootstrap host:port,… --inter-broker-listener NAME</c>:
/// what ./fjord.sh start runs before the brokers, so a local cluster serves SASL_SSL from its first start.
/// </summary>
public static class LocalSecurityCommand
{
    public const string Verb = "security-init-local";

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
                return await UsageAsync($"unexpected argument {args[i]}");
            options[args[i][2..]] = args[++i];
        }
        string[] required = ["dir", "client-properties", "hosts", "bootstrap", "inter-broker-listener"];
        if (required.FirstOrDefault(r => !options.ContainsKey(r)) is { } missing) return await UsageAsync($"--{missing} is required");
        var result = LocalSecuritySetup.Ensure(options["dir"], options["client-properties"],
            options["hosts"].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), options["bootstrap"], options["inter-broker-listener"]);
        Console.WriteLine($"broker.properties={result.BrokerPropertiesPath}");
        Console.WriteLine($"client.properties={result.ClientPropertiesPath}");
        Console.WriteLine($"ca={result.CaPath}");
        return 0;
    }

    private static async Task<int> UsageAsync(string problem)
    {
        await Console.Error.WriteLineAsync($"fjord-broker {Verb}: {problem}; usage: {Verb} --dir D --client-properties F --hosts h,… --bootstrap host:port,… --inter-broker-listener NAME");
        return 2;
    }
}

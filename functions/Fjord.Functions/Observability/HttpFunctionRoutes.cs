using System.Collections.Frozen;
using System.Reflection;
using Fjord.Functions.Tenants;
using Microsoft.Azure.Functions.Worker;

namespace Fjord.Functions.Observability;

/// <summary>
/// The route template of each HTTP function, by function name, read from the same attributes the Worker SDK writes
/// into functions.metadata: what the Functions host's middleware tags a request with (the host does not hand the
/// worker the matched template, and the URL itself would tag by tenant).
/// </summary>
public static class HttpFunctionRoutes
{
    private static readonly FrozenDictionary<string, string> Routes = Discover(typeof(TenantFunctions).Assembly);

    /// <returns>The route template, or the function's name for a function without one (the host's default).</returns>
    public static string Of(string function) => Routes.GetValueOrDefault(function, function);

    private static FrozenDictionary<string, string> Discover(Assembly assembly)
    {
        var routes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var method in assembly.GetExportedTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)))
        {
            if (method.GetCustomAttribute<FunctionAttribute>() is not { } function) continue;
            var trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null);
            if (trigger is not null) routes[function.Name] = trigger.Route ?? function.Name;
        }
        return routes.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Fjord.Functions.LocalHost;

/// <summary>
/// Finds the HTTP functions of an assembly by their <see cref="FunctionAttribute"/> and <see cref="HttpTriggerAttribute"/>,
/// the same attributes the Worker SDK reads at build, so routes are declared once, on the functions.
/// </summary>
public static class HttpFunctionCatalog
{
    /// <summary>The parameter types the local host can supply; a function taking anything else is refused at start-up, not at its first call.</summary>
    private static readonly Type[] Supplied = [typeof(HttpRequest), typeof(CancellationToken), typeof(string)];

    public static IReadOnlyList<HttpFunction> Discover(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var functions = new List<HttpFunction>();
        foreach (var type in assembly.GetExportedTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is not { } function) continue;
                var trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null);
                if (trigger is null) continue;
                Check(function.Name, method);
                // The Functions host's defaults: no route means the function's name; no methods means every method.
                var route = trigger.Route ?? function.Name;
                var methods = trigger.Methods is { Length: > 0 } declared
                    ? declared.Select(m => m.ToLowerInvariant()).ToArray()
                    : ["get", "post", "put", "patch", "delete", "head", "options"];
                functions.Add(new HttpFunction(function.Name, route, methods, method));
            }
        }
        return functions;
    }

    private static void Check(string name, MethodInfo method)
    {
        foreach (var parameter in method.GetParameters())
        {
            if (!Supplied.Contains(parameter.ParameterType))
                throw new InvalidOperationException($"Function {name} takes {parameter.ParameterType.Name} {parameter.Name}; the local host supplies only HttpRequest, CancellationToken and route values as string");
        }
        if (!typeof(Task).IsAssignableFrom(method.ReturnType) && !typeof(Microsoft.AspNetCore.Mvc.IActionResult).IsAssignableFrom(method.ReturnType))
            throw new InvalidOperationException($"Function {name} returns {method.ReturnType.Name}; the local host serves functions that return IActionResult or Task<IActionResult>");
    }
}

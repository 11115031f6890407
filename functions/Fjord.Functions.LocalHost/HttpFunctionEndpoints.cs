using System.Reflection;
using Fjord.Functions.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Fjord.Functions.LocalHost;

/// <summary>
/// Maps HTTP functions onto ASP.NET Core endpoints at <c>/{routePrefix}/{route}</c>, as the Functions host does, and
/// invokes them the way the Worker's ASP.NET Core integration does: the function class built from DI per call, the
/// HttpRequest and route values as arguments, the IActionResult executed against the response.
/// </summary>
public static class HttpFunctionEndpoints
{
    /// <summary>host.json's <c>extensions.http.routePrefix</c>; a test holds the two equal.</summary>
    public const string RoutePrefix = "api";

    private static readonly ActionDescriptor NoAction = new();

    public static IReadOnlyList<HttpFunction> MapHttpFunctions(this IEndpointRouteBuilder endpoints, Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var functions = HttpFunctionCatalog.Discover(assembly);
        foreach (var function in functions)
        {
            var factory = function.Method.IsStatic ? null : ActivatorUtilities.CreateFactory(function.Method.DeclaringType!, Type.EmptyTypes);
            endpoints.MapMethods("/" + RoutePrefix + "/" + function.Route, [.. function.Methods.Select(m => m.ToUpperInvariant())], context => InvokeAsync(function, factory, context))
                .WithName(function.Name);
        }
        return functions;
    }

    private static async Task InvokeAsync(HttpFunction function, ObjectFactory? factory, HttpContext context)
    {
        var metrics = context.RequestServices.GetRequiredService<ControlPlaneMetrics>();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            await InvokeFunctionAsync(function, factory, context).ConfigureAwait(false);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            metrics.RecordRequest(function.Name, function.Route, context.Request.Method, failed ? StatusCodes.Status500InternalServerError : context.Response.StatusCode,
                System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
    }

    private static async Task InvokeFunctionAsync(HttpFunction function, ObjectFactory? factory, HttpContext context)
    {
        var target = factory?.Invoke(context.RequestServices, null);
        var parameters = function.Method.GetParameters();
        var arguments = new object?[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            var type = parameters[i].ParameterType;
            arguments[i] = type == typeof(HttpRequest) ? context.Request
                : type == typeof(CancellationToken) ? context.RequestAborted
                : context.Request.RouteValues.TryGetValue(parameters[i].Name!, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)
                : null;
        }
        object? returned;
        try
        {
            returned = function.Method.Invoke(target, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
        var result = returned switch
        {
            Task<IActionResult> pending => await pending.ConfigureAwait(false),
            IActionResult done => done,
            Task other => await CompleteAsync(other).ConfigureAwait(false),
            _ => null,
        };
        if (result is null)
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        await result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), NoAction)).ConfigureAwait(false);
        if (target is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        else if (target is IDisposable disposable) disposable.Dispose();
    }

    private static async Task<IActionResult?> CompleteAsync(Task task)
    {
        await task.ConfigureAwait(false);
        return task.GetType().GetProperty("Result")?.GetValue(task) as IActionResult;
    }
}

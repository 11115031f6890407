using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Fjord.Functions.Observability;

/// <summary>
/// Times every HTTP function the Functions host invokes and records it in <see cref="ControlPlaneMetrics"/> (the
/// local host does the same in its own endpoint invoker). Timer functions record their runs themselves.
/// </summary>
public sealed class RequestMetricsMiddleware(ControlPlaneMetrics metrics, TimeProvider time) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.GetHttpContext();
        if (http is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        var started = time.GetTimestamp();
        var failed = false;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            var name = context.FunctionDefinition.Name;
            var status = failed ? 500 : http.Response.StatusCode;
            metrics.RecordRequest(name, HttpFunctionRoutes.Of(name), http.Request.Method, status, time.GetElapsedTime(started));
        }
    }
}

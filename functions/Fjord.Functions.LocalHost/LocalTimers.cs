using System.Globalization;
using System.Reflection;
using Fjord.Functions.Tenants;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fjord.Functions.LocalHost;

/// <summary>
/// Runs the timer-triggered functions (the reconciler) without the Functions host: every function with a
/// <see cref="TimerTriggerAttribute"/>, one after the other, every <c>FJORD_LOCAL_TIMER_INTERVAL</c> seconds (0 or unset:
/// never, so tests and ad-hoc runs see no background writes). The cron schedules are the Functions host's business;
/// locally one interval for all is enough, as every timer task is idempotent.
/// </summary>
public sealed partial class LocalTimers(IServiceProvider services, IConfiguration configuration, TimeProvider time, ILogger<LocalTimers> logger) : BackgroundService
{
    public const string IntervalSetting = "FJORD_LOCAL_TIMER_INTERVAL";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!int.TryParse(configuration[IntervalSetting], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0) return;
        var timers = Discover(typeof(TenantFunctions).Assembly);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(seconds), time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            foreach (var (name, method) in timers)
            {
                try
                {
                    await InvokeAsync(method, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // One task failing must not stop the others, nor the next interval.
                    LogFailed(e, name);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task InvokeAsync(MethodInfo method, CancellationToken ct)
    {
        using var scope = services.CreateScope();
        var target = ActivatorUtilities.CreateInstance(scope.ServiceProvider, method.DeclaringType!);
        var arguments = method.GetParameters().Select(p => p.ParameterType == typeof(CancellationToken) ? ct : (object?)new TimerInfo()).ToArray();
        try
        {
            if (method.Invoke(target, arguments) is Task task) await task.ConfigureAwait(false);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
        }
    }

    /// <summary>The timer functions, refused at start-up if they take anything but TimerInfo and a CancellationToken.</summary>
    public static IReadOnlyList<(string Name, MethodInfo Method)> Discover(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var timers = new List<(string, MethodInfo)>();
        foreach (var method in assembly.GetExportedTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance)))
        {
            if (method.GetCustomAttribute<FunctionAttribute>() is not { } function) continue;
            if (!method.GetParameters().Any(p => p.GetCustomAttribute<TimerTriggerAttribute>() is not null)) continue;
            if (method.GetParameters().Any(p => p.ParameterType != typeof(TimerInfo) && p.ParameterType != typeof(CancellationToken)))
                throw new InvalidOperationException($"Timer function {function.Name} takes parameters the local host cannot supply; only TimerInfo and CancellationToken");
            timers.Add((function.Name, method));
        }
        return timers;
    }

    [LoggerMessage(EventId = 16300, Level = LogLevel.Error, Message = "Local timer function {Function} failed; it runs again at the next interval")]
    private partial void LogFailed(Exception exception, string function);
}

using System.Reflection;
using Fjord.Broker.Network;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Tests.Architecture;

/// <summary>
/// A handler's constructor names what the handler uses. A parameter that hands out services of its
/// own (the old BrokerContext: store, metadata, replicas, groups, controller, tier, ... behind one
/// reference) hides that, and lets any handler reach anything. The rule: no handler takes the broker
/// itself or a service provider, and no parameter type exposes more than
/// <see cref="MaxServiceMembers"/> services as public members — a collaborator may show one or two of
/// its own parts (a cache its snapshot source, a holder the controller it holds), a bag shows many.
/// </summary>
public sealed class HandlerConstructorTests
{
    private const int MaxServiceMembers = 2;

    [Fact]
    public void NoHandlerTakesTheBrokerOrAServiceLocator()
    {
        var handlers = typeof(KafkaBroker).Assembly.GetTypes().Where(t => !t.IsAbstract && typeof(ApiHandler).IsAssignableFrom(t)).ToList();
        Assert.True(handlers.Count >= 28, $"only {handlers.Count} handlers found");
        var offences = (
            from handler in handlers
            from constructor in handler.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            from parameter in constructor.GetParameters()
            let problem = Problem(parameter.ParameterType)
            where problem is not null
            select $"{handler.Name}({parameter.ParameterType.Name} {parameter.Name}): {problem}").ToList();
        Assert.True(offences.Count == 0, "handlers take a service locator:\n" + string.Join('\n', offences));
    }

    [Fact]
    public void TheRuleCatchesABagOfServicesAndTheBroker()
    {
        Assert.NotNull(Problem(typeof(ServiceBag)));
        Assert.NotNull(Problem(typeof(KafkaBroker)));
        Assert.NotNull(Problem(typeof(IServiceProvider)));
        Assert.Null(Problem(typeof(Fjord.Broker.Membership.ActiveController)));
    }

    private static string? Problem(Type parameter)
    {
        if (parameter == typeof(KafkaBroker)) return "the composition root itself";
        if (parameter == typeof(IServiceProvider) || parameter == typeof(ILoggerFactory)) return "a service provider";
        var services = ServiceMembers(parameter).ToList();
        return services.Count > MaxServiceMembers ? $"hands out {services.Count} services ({string.Join(", ", services)})" : null;
    }

    private static IEnumerable<string> ServiceMembers(Type type)
    {
        const BindingFlags instance = BindingFlags.Public | BindingFlags.Instance;
        foreach (var property in type.GetProperties(instance))
            if (IsService(property.PropertyType)) yield return property.Name;
        foreach (var field in type.GetFields(instance))
            if (IsService(field.FieldType)) yield return field.Name;
    }

    /// <summary>
    /// Something with behaviour that a handler could call: a class or interface of the broker's own
    /// projects (records and other values are data), or one of the framework's service entry points.
    /// </summary>
    private static bool IsService(Type type)
    {
        if (type == typeof(TimeProvider) || type == typeof(ILoggerFactory) || type == typeof(IServiceProvider)) return true;
        if (type.IsValueType || type.IsArray || type.IsEnum || typeof(Delegate).IsAssignableFrom(type)) return false;
        if (type.Assembly.GetName().Name?.StartsWith("Fjord.", StringComparison.Ordinal) != true) return false;
        var isRecord = type.GetMethod("<Clone>$") is not null;
        return !isRecord;
    }

    private sealed class ServiceBag
    {
        public required Fjord.Broker.Replicas.ReplicaManager Replicas { get; init; }
        public required Fjord.Cluster.MetadataCache Metadata { get; init; }
        public required TimeProvider Time { get; init; }
    }
}

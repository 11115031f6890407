using Fjord.Broker.Handlers;

namespace Fjord.Broker.Tests.Architecture;

/// <summary>
/// Request handlers parse, call and encode: the log and the remote tier are the replica manager's
/// business. This reads every handler's signatures and IL (async state machines and lambdas
/// included) and fails on any reference into Fjord.Log or Fjord.Tiering.
/// </summary>
public sealed class HandlerDependencyTests
{
    private static readonly string[] Forbidden = ["Fjord.Log", "Fjord.Tiering"];

    [Fact]
    public void NoHandlerReferencesTheLogOrTheTieringProject()
    {
        var handlers = typeof(HandlerCatalog).Assembly.GetTypes().Where(t => TypeReferences.TopLevel(t).Namespace?.StartsWith("Fjord.Broker.Handlers", StringComparison.Ordinal) == true).ToList();
        Assert.NotEmpty(handlers);
        var offences = handlers.SelectMany(Offences).Distinct().ToList();
        Assert.True(offences.Count == 0, "handlers reach into the log or the tier:\n" + string.Join('\n', offences));
    }

    [Fact]
    public void TheScanSeesReferencesInsideMethodBodies()
    {
        // The scan must not pass vacuously: this test type itself uses Fjord.Log in a method body.
        Assert.NotEmpty(Offences(typeof(UsesTheLog)));
    }

    private static IEnumerable<string> Offences(Type type) =>
        from reference in TypeReferences.Of(type)
        where TypeReferences.TypesIn(reference.Target).Any(t => Forbidden.Contains(t.Assembly.GetName().Name))
        select $"{reference.Site} {Describe(reference.Target)}";

    private static string Describe(System.Reflection.MemberInfo member) => member is Type type ? type.ToString() : $"{member.DeclaringType}.{member.Name}";

    private static class UsesTheLog
    {
        public static long Probe(object o) => o is Fjord.Log.PartitionLog log ? log.LogEndOffset : -1;
    }
}

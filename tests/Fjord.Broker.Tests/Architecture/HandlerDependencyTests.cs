using System.Reflection;
using System.Reflection.Emit;
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
    private static readonly Dictionary<short, OpCode> KnownOpCodes = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    [Fact]
    public void NoHandlerReferencesTheLogOrTheTieringProject()
    {
        var handlers = typeof(HandlerCatalog).Assembly.GetTypes().Where(t => TopLevel(t).Namespace?.StartsWith("Fjord.Broker.Handlers", StringComparison.Ordinal) == true).ToList();
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

    private static Type TopLevel(Type type) => type.DeclaringType is { } outer ? TopLevel(outer) : type;

    private static IEnumerable<string> Offences(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.BaseType is { } baseType && IsForbidden(baseType)) yield return $"{type}: derives from {baseType}";
        foreach (var field in type.GetFields(all))
            if (IsForbidden(field.FieldType)) yield return $"{type}.{field.Name}: field of type {field.FieldType}";
        foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (method is MethodInfo info && IsForbidden(info.ReturnType)) yield return $"{type}.{method.Name}: returns {info.ReturnType}";
            foreach (var parameter in method.GetParameters())
                if (IsForbidden(parameter.ParameterType)) yield return $"{type}.{method.Name}: takes {parameter.ParameterType}";
            foreach (var member in ReferencedMembers(method))
                if (IsForbidden(member)) yield return $"{type}.{method.Name}: uses {member.DeclaringType}.{member.Name}";
        }
    }

    private static bool IsForbidden(MemberInfo member) => member switch
    {
        Type type => IsForbiddenType(type),
        MethodInfo method => IsForbiddenType(method.DeclaringType) || IsForbiddenType(method.ReturnType) || method.GetParameters().Any(p => IsForbiddenType(p.ParameterType)),
        ConstructorInfo constructor => IsForbiddenType(constructor.DeclaringType),
        FieldInfo field => IsForbiddenType(field.DeclaringType) || IsForbiddenType(field.FieldType),
        _ => false,
    };

    private static bool IsForbiddenType(Type? type)
    {
        if (type is null) return false;
        if (type.HasElementType) return IsForbiddenType(type.GetElementType());
        if (type.IsGenericType && type.GetGenericArguments().Any(IsForbiddenType)) return true;
        var assembly = type.Assembly.GetName().Name;
        return Forbidden.Contains(assembly);
    }

    /// <summary>Every member or type an IL body names through a metadata token.</summary>
    private static IEnumerable<MemberInfo> ReferencedMembers(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var module = method.Module;
        var typeArgs = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var opCode = KnownOpCodes[value];
            switch (opCode.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    var token = BitConverter.ToInt32(il, i);
                    MemberInfo? member;
                    try
                    {
                        member = module.ResolveMember(token, typeArgs, methodArgs);
                    }
                    catch (ArgumentException)
                    {
                        member = null;
                    }
                    if (member is not null) yield return member;
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + (4 * BitConverter.ToInt32(il, i));
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                default:
                    i += 4;
                    break;
            }
        }
    }

    private static class UsesTheLog
    {
        public static long Probe(object o) => o is Fjord.Log.PartitionLog log ? log.LogEndOffset : -1;
    }
}

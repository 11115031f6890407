using System.Reflection;
using System.Reflection.Emit;

namespace Fjord.Broker.Tests.Architecture;

/// <summary>
/// What a type depends on, read from its metadata: base type, interfaces, fields, signatures and every
/// member its IL names (async state machines and lambdas are nested types: scan those too).
/// </summary>
internal static class TypeReferences
{
    private static readonly Dictionary<short, OpCode> KnownOpCodes = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    private const BindingFlags DeclaredMembers = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>The outermost type a nested type (closure, state machine) belongs to.</summary>
    public static Type TopLevel(Type type) => type.DeclaringType is { } outer ? TopLevel(outer) : type;

    /// <summary>Each reference of <paramref name="type"/> as (where, what it names): for messages that point at the line to fix.</summary>
    public static IEnumerable<(string Site, MemberInfo Target)> Of(Type type)
    {
        if (type.BaseType is { } baseType) yield return ($"{type}: derives from", baseType);
        foreach (var contract in type.GetInterfaces()) yield return ($"{type}: implements", contract);
        foreach (var field in type.GetFields(DeclaredMembers))
            yield return ($"{type}.{field.Name}: field of type", field.FieldType);
        foreach (var method in type.GetMethods(DeclaredMembers).Cast<MethodBase>().Concat(type.GetConstructors(DeclaredMembers)))
        {
            if (method is MethodInfo info) yield return ($"{type}.{method.Name}: returns", info.ReturnType);
            foreach (var parameter in method.GetParameters())
                yield return ($"{type}.{method.Name}: takes", parameter.ParameterType);
            foreach (var member in InMethodBody(method))
                yield return ($"{type}.{method.Name}: uses", member);
        }
    }

    /// <summary>Every type a member reference mentions: declaring type, field type, return and parameter types, generic arguments and element types.</summary>
    public static IEnumerable<Type> TypesIn(MemberInfo member)
    {
        var direct = member switch
        {
            Type type => [type],
            MethodInfo method => [method.DeclaringType, method.ReturnType, .. method.GetParameters().Select(p => p.ParameterType)],
            ConstructorInfo constructor => [constructor.DeclaringType],
            FieldInfo field => new[] { field.DeclaringType, field.FieldType },
            _ => [],
        };
        foreach (var type in direct)
            if (type is not null)
                foreach (var inner in Unwrap(type))
                    yield return inner;
    }

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.HasElementType)
        {
            foreach (var inner in Unwrap(type.GetElementType()!)) yield return inner;
            yield break;
        }
        if (type.IsGenericParameter) yield break;
        yield return type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        if (type.IsGenericType)
            foreach (var argument in type.GetGenericArguments())
                foreach (var inner in Unwrap(argument))
                    yield return inner;
    }

    /// <summary>Every member or type an IL body names through a metadata token.</summary>
    public static IEnumerable<MemberInfo> InMethodBody(MethodBase method)
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
}

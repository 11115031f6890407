using System.Reflection;

namespace Fjord.Functions.LocalHost;

/// <summary>
/// One HTTP-triggered function as its attributes declare it: the same facts the Worker SDK writes into
/// functions.metadata (name, route template without the host's prefix, methods in lower case), plus the method to call.
/// </summary>
public sealed record HttpFunction(string Name, string Route, IReadOnlyList<string> Methods, MethodInfo Method);

using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using Fjord.Testing;

namespace Fjord.ControlPlane.Tests.Functions;

/// <summary>Reads what the Worker SDK generated: functions.metadata and host.json, as the Functions host would.</summary>
internal static class FunctionsMetadata
{
    public sealed record Entry(string Name, string ScriptFile, string EntryPoint, string? Route, IReadOnlyList<string> Methods, IReadOnlyList<string> TriggerTypes);

    /// <summary>The functions project's build output for the configuration these tests were built in (the test build builds it too).</summary>
    public static string BuildOutput()
    {
        var configuration = typeof(FunctionsMetadata).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        return Path.Combine(RepositoryRoot.Find(), "functions", "Fjord.Functions", "bin", configuration, "net10.0");
    }

    public static IReadOnlyList<Entry> Read(string folder)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "functions.metadata")));
        var entries = new List<Entry>();
        foreach (var function in document.RootElement.EnumerateArray())
        {
            var bindings = function.GetProperty("bindings").EnumerateArray().ToList();
            var http = bindings.FirstOrDefault(b => b.GetProperty("type").GetString() == "httpTrigger");
            entries.Add(new Entry(
                function.GetProperty("name").GetString()!,
                function.GetProperty("scriptFile").GetString()!,
                function.GetProperty("entryPoint").GetString()!,
                http.ValueKind == JsonValueKind.Object && http.TryGetProperty("route", out var route) ? route.GetString() : null,
                http.ValueKind == JsonValueKind.Object && http.TryGetProperty("methods", out var methods) ? [.. methods.EnumerateArray().Select(m => m.GetString()!)] : [],
                [.. bindings.Where(b => b.GetProperty("direction").GetString() == "In").Select(b => b.GetProperty("type").GetString()!)]));
        }
        return entries;
    }

    /// <summary>host.json's <c>extensions.http.routePrefix</c>, or the host's default "api".</summary>
    public static string RoutePrefix(string folder)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "host.json")));
        return document.RootElement.TryGetProperty("extensions", out var extensions)
            && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var prefix)
            ? prefix.GetString()!
            : "api";
    }

    /// <summary>"Namespace.Type.Method" of every public method of every public type in an assembly, read without loading it.</summary>
    public static HashSet<string> PublicMethods(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var handle in reader.TypeDefinitions)
        {
            var type = reader.GetTypeDefinition(handle);
            if ((type.Attributes & TypeAttributes.VisibilityMask) != TypeAttributes.Public) continue;
            var typeName = reader.GetString(type.Namespace) + "." + reader.GetString(type.Name);
            foreach (var methodHandle in type.GetMethods())
            {
                var method = reader.GetMethodDefinition(methodHandle);
                if ((method.Attributes & MethodAttributes.MemberAccessMask) == MethodAttributes.Public)
                    names.Add(typeName + "." + reader.GetString(method.Name));
            }
        }
        return names;
    }
}

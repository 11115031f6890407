using Fjord.Protocol.Generator;
using Fjord.Protocol.Generator.Emit;
using Fjord.Protocol.Generator.Model;

// Usage: Fjord.Protocol.Generator <spec-folder> <output-folder>
// Reads Kafka's *Request.json / *Response.json / RequestHeader.json / ResponseHeader.json and
// writes one .g.cs per message plus ApiKey.g.cs and ApiMessages.g.cs. Stale .g.cs files are removed.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Fjord.Protocol.Generator <spec-folder> <output-folder>");
    return 2;
}

var specFolder = Path.GetFullPath(args[0]);
var outputFolder = Path.GetFullPath(args[1]);
if (!Directory.Exists(specFolder))
{
    Console.Error.WriteLine($"spec folder not found: {specFolder}");
    return 2;
}

var specFiles = Directory.GetFiles(specFolder, "*.json")
    .Where(f =>
    {
        var name = Path.GetFileNameWithoutExtension(f);
        return name.EndsWith("Request", StringComparison.Ordinal) || name.EndsWith("Response", StringComparison.Ordinal)
            || name is "RequestHeader" or "ResponseHeader";
    })
    .Order(StringComparer.Ordinal)
    .ToList();

var messages = specFiles.Select(SpecLoader.Load).ToList();
var byName = messages.ToDictionary(m => m.Name, StringComparer.Ordinal);
var apis = messages
    .Where(m => m.Kind == "request")
    .Select(request => (Request: request, Response: byName[request.ApiName + "Response"]))
    .OrderBy(pair => pair.Request.ApiKey)
    .ToList();

Directory.CreateDirectory(outputFolder);
foreach (var stale in Directory.GetFiles(outputFolder, "*.g.cs"))
{
    File.Delete(stale);
}

foreach (var message in messages)
{
    File.WriteAllText(Path.Combine(outputFolder, message.Name + ".g.cs"), MessageEmitter.Emit(message));
}

File.WriteAllText(Path.Combine(outputFolder, "ApiKey.g.cs"), RegistryEmitter.EmitApiKey(apis));
File.WriteAllText(Path.Combine(outputFolder, "ApiMessages.g.cs"), RegistryEmitter.EmitRegistry(apis));
Console.WriteLine($"Generated {messages.Count} messages ({apis.Count} APIs) into {outputFolder}");
return 0;

using System.Text.Json;
using System.Text.Json.Serialization;
using Fjord.Security.Tls;

namespace Fjord.Cli;

/// <summary>What <c>fjord login</c> stores: the control plane's URL and an API key, in a file only its owner may read.</summary>
internal sealed record LoginConfig(string? ApiUrl, string? ApiKey)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <returns>The stored config; null when there is none.</returns>
    /// <exception cref="InvalidDataException">The file exists but is not such a config.</exception>
    public static LoginConfig? Read(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<LoginConfig>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path} is empty; run 'fjord login' again");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a fjord login config ({e.Message}); run 'fjord login' again", e);
        }
    }

    public void Write(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(folder))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
            else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        PrivateFile.Write(path, JsonSerializer.Serialize(this, Json) + "\n");
    }
}

using System.Globalization;
using System.Text;

namespace Fjord.Security.Credentials;

/// <summary>
/// The bootstrap users file: SCRAM credentials a new cluster starts with, one per line, in the form
/// kafka-storage's --add-scram takes:
/// <c>SCRAM-SHA-512=[name=admin,iterations=4096,salt=&lt;base64&gt;,stored_key=&lt;base64&gt;,server_key=&lt;base64&gt;]</c>.
/// It never holds a password. Names use SCRAM's saslname escaping ("=2C" for ',', "=3D" for '='), so any
/// name fits. '#' starts a comment line; blank lines are ignored.
/// </summary>
public static class ScramBootstrapUsers
{
    private static readonly string[] Fields = ["name", "iterations", "salt", "stored_key", "server_key"];

    public static IReadOnlyList<UserScramCredential> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<UserScramCredential>();
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            entries.Add(ParseLine(line, lineNumber));
        }

        var duplicate = entries.GroupBy(e => (e.User, e.Mechanism)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new FormatException($"bootstrap users: user '{duplicate.Key.User}' has more than one {duplicate.Key.Mechanism.MechanismName()} credential");
        return entries;
    }

    public static string Format(IEnumerable<UserScramCredential> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var text = new StringBuilder();
        foreach (var e in entries)
        {
            // Saslname escaping covers ',' and '='; a line break would split the entry, so such a name cannot be written.
            if (e.User.AsSpan().IndexOfAny('\r', '\n') >= 0)
                throw new ArgumentException($"user name '{e.User}' contains a line break and cannot be written to a bootstrap users file", nameof(entries));
            text.Append(e.Mechanism.MechanismName())
                .Append("=[name=").Append(ScramSaslName.Encode(e.User))
                .Append(",iterations=").Append(e.Credential.Iterations.ToString(CultureInfo.InvariantCulture))
                .Append(",salt=").Append(Convert.ToBase64String(e.Credential.Salt))
                .Append(",stored_key=").Append(Convert.ToBase64String(e.Credential.StoredKey))
                .Append(",server_key=").Append(Convert.ToBase64String(e.Credential.ServerKey))
                .Append("]\n");
        }

        return text.ToString();
    }

    /// <summary>Creates each credential the store lacks; one already there (perhaps changed by an admin) is left alone.</summary>
    /// <returns>How many were created.</returns>
    public static async Task<int> ApplyAsync(IScramCredentialStore store, IEnumerable<UserScramCredential> entries, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(entries);
        var created = 0;
        foreach (var e in entries)
        {
            if (await store.CreateIfAbsentAsync(e.User, e.Mechanism, e.Credential, ct).ConfigureAwait(false))
                created++;
        }

        return created;
    }

    private static UserScramCredential ParseLine(string line, int lineNumber)
    {
        var open = line.IndexOf("=[", StringComparison.Ordinal);
        if (open <= 0 || !line.EndsWith(']'))
            throw Bad(lineNumber, "expected MECHANISM=[name=...,iterations=...,salt=...,stored_key=...,server_key=...]");
        var mechanismName = line[..open];
        if (!ScramMechanisms.TryParse(mechanismName, out var mechanism))
            throw Bad(lineNumber, $"unknown mechanism '{mechanismName}' (expected {ScramMechanisms.ScramSha256Name} or {ScramMechanisms.ScramSha512Name})");

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in line[(open + 2)..^1].Split(','))
        {
            var eq = field.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                throw Bad(lineNumber, $"'{field}' is not key=value");
            var key = field[..eq];
            if (!Fields.Contains(key))
                throw Bad(lineNumber, $"unknown key '{key}' (a password never belongs in this file)");
            if (!values.TryAdd(key, field[(eq + 1)..]))
                throw Bad(lineNumber, $"'{key}' given twice");
        }

        var missing = Fields.FirstOrDefault(f => !values.ContainsKey(f));
        if (missing is not null)
            throw Bad(lineNumber, $"'{missing}' is missing");

        if (!ScramSaslName.TryDecode(values["name"], out var name) || name.Length == 0)
            throw Bad(lineNumber, "name is empty or badly escaped (use =2C for ',' and =3D for '=')");
        if (!int.TryParse(values["iterations"], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            || iterations is < ScramMechanisms.MinIterations or > ScramMechanisms.MaxIterations)
            throw Bad(lineNumber, $"iterations must be a number from {ScramMechanisms.MinIterations} to {ScramMechanisms.MaxIterations}");
        var salt = Base64(values["salt"], "salt", lineNumber);
        var storedKey = Base64(values["stored_key"], "stored_key", lineNumber);
        var serverKey = Base64(values["server_key"], "server_key", lineNumber);
        if (salt.Length == 0)
            throw Bad(lineNumber, "salt is empty");
        if (storedKey.Length != mechanism.HashSize() || serverKey.Length != mechanism.HashSize())
            throw Bad(lineNumber, $"stored_key and server_key of {mechanismName} must be {mechanism.HashSize()} bytes");
        return new UserScramCredential(name, mechanism, new ScramCredential(salt, storedKey, serverKey, iterations));
    }

    private static byte[] Base64(string value, string field, int lineNumber)
    {
        try
        {
            return Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            throw Bad(lineNumber, $"{field} is not base64");
        }
    }

    private static FormatException Bad(int lineNumber, string what) =>
        new($"bootstrap users, line {lineNumber.ToString(CultureInfo.InvariantCulture)}: {what}");
}

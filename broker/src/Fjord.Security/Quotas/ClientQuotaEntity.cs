using System.Text;

namespace Fjord.Security.Quotas;

/// <summary>
/// What a client quota is set on: one or more (entity type, name) components, as in Kafka's
/// <c>ClientQuotaEntity</c>. A null name is the default entity of its type (Kafka's <c>&lt;default&gt;</c>):
/// <c>{user=null}</c> applies to each user who has no quota of their own. Fjord adds the <c>tenant</c> type:
/// <c>{tenant=acme}</c> caps the sum of all acme's clients, and every quota a tenant sets itself carries
/// <c>tenant=acme</c> (see <c>TenantRewrites.Quotas</c>), so a tenant's default user <c>{tenant=acme, user=null}</c>
/// never collides with the operator's cluster default <c>{user=null}</c>. Components are kept sorted by type, so
/// two entities with the same components are equal however they were listed.
/// </summary>
public sealed class ClientQuotaEntity : IEquatable<ClientQuotaEntity>
{
    public const string User = "user";
    public const string ClientId = "client-id";
    public const string Ip = "ip";
    public const string Tenant = "tenant";

    private readonly KeyValuePair<string, string?>[] _components;

    private ClientQuotaEntity(KeyValuePair<string, string?>[] components) => _components = components;

    /// <summary>The components, sorted by entity type (ordinal).</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Components => _components;

    /// <summary>An entity of the given components; throws on a repeated type (<see cref="TryCreate"/> says why instead).</summary>
    public static ClientQuotaEntity Of(params (string Type, string? Name)[] components) =>
        TryCreate(components, out var entity, out var problem) ? entity : throw new ArgumentException(problem, nameof(components));

    /// <summary>An entity of the given components, or false with the reason when a type repeats.</summary>
    public static bool TryCreate(IEnumerable<(string Type, string? Name)> components, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ClientQuotaEntity? entity,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(components);
        var list = new List<KeyValuePair<string, string?>>();
        foreach (var (type, name) in components)
        {
            ArgumentNullException.ThrowIfNull(type);
            if (list.Exists(c => c.Key == type))
            {
                entity = null;
                problem = $"Invalid client quota entity, duplicate entity entry {type}";
                return false;
            }
            list.Add(new(type, name));
        }
        list.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        entity = new ClientQuotaEntity([.. list]);
        problem = null;
        return true;
    }

    public int Count => _components.Length;

    public bool Has(string type) => Array.FindIndex(_components, c => c.Key == type) >= 0;

    /// <summary>Whether the entity has a component of <paramref name="type"/>; its name is null for the default entity.</summary>
    public bool TryGetName(string type, out string? name)
    {
        foreach (var c in _components)
        {
            if (c.Key != type) continue;
            name = c.Value;
            return true;
        }
        name = null;
        return false;
    }

    /// <summary>A copy with <paramref name="type"/>'s component replaced (or added) or, with <paramref name="remove"/>, dropped.</summary>
    public ClientQuotaEntity With(string type, string? name, bool remove = false)
    {
        var components = _components.Where(c => c.Key != type).Select(c => (c.Key, c.Value));
        return Of([.. remove ? components : components.Append((type, name))]);
    }

    public bool Equals(ClientQuotaEntity? other)
    {
        if (other is null || other._components.Length != _components.Length) return false;
        for (var i = 0; i < _components.Length; i++)
            if (_components[i].Key != other._components[i].Key || _components[i].Value != other._components[i].Value) return false;
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as ClientQuotaEntity);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var c in _components)
        {
            hash.Add(c.Key, StringComparer.Ordinal);
            hash.Add(c.Value is null ? 0 : StringComparer.Ordinal.GetHashCode(c.Value));
            hash.Add(c.Value is null);
        }
        return hash.ToHashCode();
    }

    /// <summary>kafka-configs' way of showing it: <c>{tenant=acme, user=&lt;default&gt;}</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("{");
        foreach (var c in _components)
        {
            if (text.Length > 1) text.Append(", ");
            text.Append(c.Key).Append('=').Append(c.Value ?? "<default>");
        }
        return text.Append('}').ToString();
    }
}

using System.Globalization;
using System.Text;

namespace Fjord.ControlPlane.Client;

/// <summary>Builds a route with escaped path segments and query parameters (those with a null value left out).</summary>
internal sealed class RouteBuilder
{
    private readonly StringBuilder _route;
    private char _separator = '?';

    public RouteBuilder(string route) => _route = new StringBuilder(route);

    public RouteBuilder Segment(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _route.Append('/').Append(Uri.EscapeDataString(value));
        return this;
    }

    public RouteBuilder Query(string name, string? value)
    {
        if (value is null) return this;
        _route.Append(_separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
        _separator = '&';
        return this;
    }

    public RouteBuilder Query(string name, int? value) => Query(name, value?.ToString(CultureInfo.InvariantCulture));

    public override string ToString() => _route.ToString();
}

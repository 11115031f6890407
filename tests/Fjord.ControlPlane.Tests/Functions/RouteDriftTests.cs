using Fjord.Functions.LocalHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Fjord.ControlPlane.Tests.Functions;

/// <summary>The local host serves exactly the routes the Functions host would: those in the functions.metadata the Worker SDK generated.</summary>
public sealed class RouteDriftTests
{
    [Fact]
    public async Task TheLocalHostServesExactlyTheHttpFunctionsOfFunctionsMetadata()
    {
        var output = FunctionsMetadata.BuildOutput();
        var prefix = FunctionsMetadata.RoutePrefix(output);
        Assert.Equal(HttpFunctionEndpoints.RoutePrefix, prefix);
        var declared = FunctionsMetadata.Read(output)
            .Where(f => f.TriggerTypes.Contains("httpTrigger"))
            .SelectMany(f => f.Methods.Select(m => $"{f.Name} {m.ToUpperInvariant()} /{prefix}/{f.Route ?? f.Name}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(declared);

        await using var app = LocalControlPlane.Build([]);
        var served = ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(s => s.Endpoints)
            .OfType<RouteEndpoint>()
            // The Prometheus scrape endpoint is the local host's own, not a function: the Functions app exports its
            // metrics to Azure Monitor instead, so functions.metadata has no counterpart to compare it with.
            .Where(e => e.RoutePattern.RawText != LocalControlPlane.MetricsPath)
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods
                .Select(m => $"{e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName} {m} {e.RoutePattern.RawText}"))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(declared, served);
    }
}

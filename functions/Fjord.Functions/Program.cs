using Fjord.Functions;
using Fjord.Functions.Observability;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
// HttpRequest in, IActionResult out: the same signatures the local host invokes without the Functions host.
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<RequestMetricsMiddleware>();
builder.Services.AddFjordControlPlane(builder.Configuration);
await builder.Build().RunAsync();

using Fjord.Functions;
using Fjord.Functions.LocalHost;

var app = LocalControlPlane.Build(args);
try
{
    // Checked here, not on the first request: whoever starts the local host should see a missing setting at once.
    ControlPlaneSettings.From(app.Configuration);
}
catch (InvalidOperationException e)
{
    await Console.Error.WriteLineAsync("fjord control plane: " + e.Message);
    return 2;
}
await app.StartAsync();
foreach (var address in LocalControlPlane.BoundAddresses(app))
    Console.WriteLine(LocalControlPlane.ListeningLine + address.GetLeftPart(UriPartial.Authority));
await app.WaitForShutdownAsync();
return 0;

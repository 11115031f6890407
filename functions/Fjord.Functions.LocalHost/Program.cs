using Fjord.Functions.LocalHost;

var app = LocalControlPlane.Build(args);
await app.StartAsync();
foreach (var address in LocalControlPlane.BoundAddresses(app))
    Console.WriteLine(LocalControlPlane.ListeningLine + address.GetLeftPart(UriPartial.Authority));
await app.WaitForShutdownAsync();

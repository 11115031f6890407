using System.Net;
using System.Net.Sockets;
using Azure;
using Azure.Data.Tables;
using Fjord.Testing;

namespace Fjord.Cluster.Tests;

public sealed class AzuriteHostTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RestartOnTheSamePortsKeepsTheDataWhenUsingALocation()
    {
        using var location = new TempDirectory();
        await using var host = await AzuriteHost.StartAsync(AzuriteOptions.AtLocation(location.Path));
        var tablePort = host.TablePort;
        var table = new TableServiceClient(host.ConnectionString).GetTableClient("survivor");
        await table.CreateIfNotExistsAsync();
        await table.AddEntityAsync(new TableEntity("p", "r") { ["Value"] = 42L });

        await host.StopAsync();

        Assert.False(host.IsRunning);
        Assert.False(await AcceptsConnectionsAsync(tablePort));
        await Assert.ThrowsAnyAsync<RequestFailedException>(() => QuicklyReadAsync(host.ConnectionString));

        await host.RestartAsync();

        Assert.Equal(tablePort, host.TablePort);
        var row = await table.GetEntityAsync<TableEntity>("p", "r");
        Assert.Equal(42L, row.Value.GetInt64("Value"));
    }

    [Fact]
    public async Task InMemoryHostServesTablesAndLeavesNothingListeningAfterDispose()
    {
        var host = await AzuriteHost.StartAsync();
        int[] ports = [host.BlobPort, host.QueuePort, host.TablePort];
        try
        {
            Assert.Null(host.Location);
            Assert.Equal(3, ports.Distinct().Count());
            Assert.Contains($"TableEndpoint=http://127.0.0.1:{host.TablePort}/devstoreaccount1", host.ConnectionString, StringComparison.Ordinal);
            Assert.Contains($"BlobEndpoint=http://127.0.0.1:{host.BlobPort}/devstoreaccount1", host.ConnectionString, StringComparison.Ordinal);
            var service = new TableServiceClient(host.ConnectionString);
            await service.CreateTableIfNotExistsAsync("scratch");
            Assert.True(await AcceptsConnectionsAsync(host.BlobPort));
        }
        finally
        {
            await host.DisposeAsync();
        }

        foreach (var port in ports)
            await Poll.UntilAsync(async () => !await AcceptsConnectionsAsync(port), Deadline, $"port {port} to close after dispose");
    }

    [Fact]
    public async Task PollNamesWhatItWaitedForWhenItTimesOut()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(() => Poll.UntilAsync(() => false, TimeSpan.FromMilliseconds(50), "the impossible"));

        Assert.Contains("the impossible", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TempDirectoryIsDeletedWithItsContentsOnDispose()
    {
        string path;
        using (var temp = new TempDirectory())
        {
            path = temp.Path;
            Directory.CreateDirectory(temp.Combine("nested"));
            File.WriteAllText(temp.Combine("nested", "file.txt"), "x");
        }

        Assert.False(Directory.Exists(path));
    }

    [Fact]
    public void FreePortsAreDistinctAndBindable()
    {
        var ports = FreePort.Next(5);

        Assert.Equal(5, ports.Distinct().Count());
        using var listener = new TcpListener(IPAddress.Loopback, FreePort.Next());
        listener.Start();
    }

    private static async Task QuicklyReadAsync(string connectionString)
    {
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        var table = new TableServiceClient(connectionString, options).GetTableClient("survivor");
        await table.GetEntityAsync<TableEntity>("p", "r");
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

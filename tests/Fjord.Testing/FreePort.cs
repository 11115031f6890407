using System.Net;
using System.Net.Sockets;

namespace Fjord.Testing;

/// <summary>Asks the OS for free loopback ports so tests never share a fixed port.</summary>
public static class FreePort
{
    /// <summary>
    /// A port that was free a moment ago. Another process can still take it before the caller
    /// binds it, so servers started on it must cope with "address in use" by retrying.
    /// </summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Distinct free ports, all held at once while choosing so none repeats.</summary>
    public static int[] Next(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var listeners = new TcpListener[count];
        try
        {
            var ports = new int[count];
            for (var i = 0; i < count; i++)
            {
                listeners[i] = new TcpListener(IPAddress.Loopback, 0);
                listeners[i].Start();
                ports[i] = ((IPEndPoint)listeners[i].LocalEndpoint).Port;
            }

            return ports;
        }
        finally
        {
            foreach (var listener in listeners)
                listener?.Dispose();
        }
    }
}

using System.Net;
using System.Net.Sockets;

namespace Borealis.Testing;

/// <summary>Finds a free TCP port on 127.0.0.1 for a process that must be told its port in advance.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

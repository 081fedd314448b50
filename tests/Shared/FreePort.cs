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

    /// <summary>
    /// A port P such that P, P + 1 and P + 2 are free: a cluster's endpoints (<c>up --port P</c> puts the router's
    /// cluster endpoint on P, its reader endpoint on P + 1 and the control API on P + 2).
    /// </summary>
    public static int ForCluster()
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            int port = Next();
            if (port > 65530)
                continue;
            var held = new List<TcpListener>();
            try
            {
                for (int i = 0; i < 3; i++)
                {
                    var listener = new TcpListener(IPAddress.Loopback, port + i);
                    listener.Start();
                    held.Add(listener);
                }
                return port;
            }
            catch (SocketException)
            {
                // One of them is taken: try another.
            }
            finally
            {
                foreach (var listener in held)
                    listener.Stop();
            }
        }
        throw new InvalidOperationException("no three consecutive free ports on 127.0.0.1");
    }
}

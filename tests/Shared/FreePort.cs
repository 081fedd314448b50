using System.Net;
using System.Net.Sockets;

namespace Borealis.Testing;

/// <summary>
/// Free TCP ports on 127.0.0.1 for processes that must be told their port in advance. They come from below the
/// kernel's ephemeral range (<c>/proc/sys/net/ipv4/ip_local_port_range</c>): a port from inside it may be taken by
/// any outgoing connection between the check and the bind, or while a process that listened on it restarts (seen in
/// CI: a promoted writer could not listen on its redo-stream port). Each test process takes a band of that range of
/// its own (an exclusive lock on a file in the temp directory, released when the process exits), so concurrent test
/// processes never hand out the same port; within the band, ports are handed out in turn, not twice before the band
/// wraps around.
/// </summary>
public static class FreePort
{
    /// <summary>Ports from <see cref="ForCluster"/>'s port up that a cluster may use: endpoints, instances (+ 10 up), storage nodes (+ 100 up).</summary>
    public const int ClusterSpan = 128;

    const int Lowest = 10_000;
    const int Bands = 8;
    static readonly Lock s_lock = new();
    static readonly HashSet<int> s_given = [];
    static readonly (int First, int End) s_band = ClaimBand();
    static int s_next = s_band.First;

    /// <summary>A free port (nothing listens on it) that this process has not handed out before.</summary>
    public static int Next() => Take(1);

    /// <summary>
    /// A port P such that P up to P + <see cref="ClusterSpan"/> - 1 are free and not handed out before: a cluster's
    /// ports (<c>up --port P</c> puts the router's cluster endpoint on P, its reader endpoint on P + 1, the control API
    /// on P + 2, the instances from P + 10 up and the storage nodes from P + 100 up).
    /// </summary>
    public static int ForCluster() => Take(ClusterSpan);

    static int Take(int count)
    {
        lock (s_lock)
        {
            for (int attempt = 0; attempt < 1000; attempt++)
            {
                if (s_next + count > s_band.End)
                {
                    // Wrapped around: what was handed out a whole band ago is long done (and what still listens is skipped).
                    s_next = s_band.First;
                    s_given.Clear();
                }
                int first = s_next;
                s_next += count;
                if (AllFree(first, count))
                {
                    for (int port = first; port < first + count; port++)
                        s_given.Add(port);
                    return first;
                }
            }
        }
        throw new InvalidOperationException($"no {count} consecutive free ports on 127.0.0.1 in {s_band.First}-{s_band.End - 1}");
    }

    static bool AllFree(int first, int count)
    {
        for (int port = first; port < first + count; port++)
        {
            if (s_given.Contains(port) || !CanListen(port))
                return false;
        }
        return true;
    }

    static bool CanListen(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            socket.Listen();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// This process's band: one of <see cref="Bands"/> equal parts of the ports from <see cref="Lowest"/> to the
    /// ephemeral range, the first whose lock file no other process holds (the file stays open, hence locked, until
    /// this process exits); a random one when all are held.
    /// </summary>
    static (int First, int End) ClaimBand()
    {
        int size = (EphemeralStart() - Lowest) / Bands;
        var directory = Path.Combine(Path.GetTempPath(), "borealis-test-ports");
        Directory.CreateDirectory(directory);
        for (int band = 0; band < Bands; band++)
        {
            try
            {
                s_bandLock = new FileStream(Path.Combine(directory, $"band-{band}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return (Lowest + band * size, Lowest + (band + 1) * size);
            }
            catch (IOException)
            {
                // Held by another test process.
            }
        }
        int any = Random.Shared.Next(Bands);
        return (Lowest + any * size, Lowest + (any + 1) * size);
    }

    /// <summary>Held open for the life of the process: the lock on this process's band.</summary>
#pragma warning disable IDE0052 // kept for its lock, never read
    static FileStream? s_bandLock;
#pragma warning restore IDE0052

    /// <summary>The first port of the kernel's ephemeral range (32768 when it cannot be read).</summary>
    static int EphemeralStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            int start = int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
            return start > Lowest + 4 * ClusterSpan ? start : 32768;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32768;
        }
    }
}

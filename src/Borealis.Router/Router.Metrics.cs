namespace Borealis.Router;

/// <summary>Counters for the control plane to read (no HTTP here).</summary>
public sealed partial class Router
{
    /// <summary>Proxied connections open on the cluster endpoint.</summary>
    public int ClusterConnections
    {
        get
        {
            lock (_gate)
                return _clusterActive;
        }
    }

    /// <summary>Proxied connections open on the reader endpoint.</summary>
    public int ReaderConnections
    {
        get
        {
            lock (_gate)
                return _readerActive;
        }
    }

    /// <summary>Accepted connections still waiting for an instance (no writer yet, or connecting).</summary>
    public int PendingConnections => Math.Max(0, Volatile.Read(ref _open) - ClusterConnections - ReaderConnections);

    /// <summary>Proxied connections per instance id (both endpoints), a copy.</summary>
    public IReadOnlyDictionary<string, int> ConnectionsByInstance
    {
        get
        {
            lock (_gate)
                return new Dictionary<string, int>(_perBackend);
        }
    }

    /// <summary>Connections routed to an instance since start.</summary>
    public long TotalRouted
    {
        get
        {
            lock (_gate)
                return _totalRouted;
        }
    }

    /// <summary>Connections closed at once because the connection limit was reached.</summary>
    public long TotalRefused => Interlocked.Read(ref _totalRefused);

    /// <summary>Connections closed because their instance lost the role they were routed for.</summary>
    public long TotalClosedForRoleChange => Interlocked.Read(ref _totalClosedForRoleChange);
}
